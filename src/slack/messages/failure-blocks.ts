import type { KnownBlock } from '@slack/types';
import type { ErrorDescription } from '../../describe/error-description.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { type SentSubject, withSentText } from './describe-update.ts';
import { cutMrkdwn, truncate } from './mrkdwn.ts';

/**
 * The blocks every outcome that went wrong starts with: a header naming the code, what happened and
 * what to do (the description is built for Slack: already mrkdwn, outside text already escaped), and
 * the context line.
 */
export function buildFailureBlocks(input: {
  /** `:x: Not delivered`, `:warning: Not sent`: the code follows. */
  heading: string;
  code: string;
  /** Who did what, before the description. */
  lead: string;
  failure: ErrorDescription;
  update: SentSubject;
  context: string;
}): KnownBlock[] {
  const { failure } = input;
  return [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${input.heading} — ${input.code}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: withSentText(
          `${input.lead}\n${cutMrkdwn(failure.summary, 1000)}\n*What to do:* ${cutMrkdwn(failure.nextStep, 1000)}`,
          input.update,
        ),
      },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: input.context }] },
  ];
}
