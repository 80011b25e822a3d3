import type { ContextBlock, SectionBlock } from '@slack/types';
import type { ErrorDescription } from '../../describe/error-description.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { cutMrkdwn } from '../messages/mrkdwn.ts';

/** A problem in one part of the App Home: what happened and what to do, with its code. */
export function problem(description: ErrorDescription): string {
  return `:warning: ${description.summary} (${description.code}) ${description.nextStep}`;
}

/** A mrkdwn section, cut to Slack's 3000 characters. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.sectionText) } };
}

/** A small grey line of mrkdwn. */
export function note(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.contextText) }] };
}
