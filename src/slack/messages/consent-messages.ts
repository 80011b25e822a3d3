import type { KnownBlock } from '@slack/types';
import {
  describeAccountHealth,
  describeOptOutEntry,
  describeOvertakenChange,
} from '../../describe/describe-consent.ts';
import type { AccountHealthView } from '../../storage/account-health-store.ts';
import type { OptOutEntry } from '../../storage/consent-store.ts';
import { QUALITY_RESUME_ACTION, SLASH_COMMAND } from '../ids.ts';
import { buildActions } from './buttons.ts';
import { buildConfirmDialog } from './confirm-dialog.ts';
import { escapeWithin, formatActor, formatSlackDate, type SlackMessage, truncate } from './mrkdwn.ts';
import { SLACK_SURFACE } from './slack-surface.ts';

/** Lines listed in Slack (a message holds 50 blocks; one section of lines holds ~3,000 characters). */
export const OPT_OUTS_SHOWN = 30;

const message = (text: string, extra: KnownBlock[] = []): SlackMessage => ({
  text,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, ...extra],
});

/** How `/orderstatus optout` is used, after what was wrong with the line. */
export function buildOptOutHelp(issue: string | undefined): SlackMessage {
  const usage = [
    `\`${SLASH_COMMAND} optout +919876543210 [reason]\` opts a customer out of this workspace’s business number: nothing is sent to them on any path until they send START or an admin lifts it.`,
    `\`${SLASH_COMMAND} optout remove +919876543210 [reason]\` lifts it; \`${SLASH_COMMAND} optout list\` shows who opted out, when, why and by whom.`,
  ].join('\n');
  return message(issue ? `:warning: ${escapeWithin(issue, 500)}\n${usage}` : usage);
}

/** What an admin (or a non-admin) is told about the admins-only commands. */
export function buildAdminsOnly(what: string): SlackMessage {
  return message(`:lock: Only workspace admins and owners can ${what}. Ask one of them.`);
}

export function buildOptOutChanged(input: {
  action: 'add' | 'remove';
  changed: boolean;
  customerMasked: string;
  at: Date;
  by: string;
  decidedBy?: { at: Date; by: string } | undefined;
}): SlackMessage {
  const who = input.customerMasked;
  if (input.decidedBy) {
    return message(
      `:information_source: ${describeOvertakenChange({ customerMasked: who, decidedBy: input.decidedBy }, SLACK_SURFACE)}`,
    );
  }
  const when = formatSlackDate(input.at.toISOString());
  if (input.action === 'add') {
    return message(
      input.changed
        ? `:no_bell: ${formatActor(input.by)} opted ${who} out ${when}: nothing is sent to this number until they send START or an admin runs \`${SLASH_COMMAND} optout remove\`.`
        : `${who} had already opted out; nothing changed.`,
    );
  }
  return message(
    input.changed
      ? `:bell: ${formatActor(input.by)} lifted the opt-out of ${who} ${when}: updates to this number go again.`
      : `${who} had not opted out; nothing changed.`,
  );
}

export function buildOptOutList(total: number, entries: readonly OptOutEntry[]): SlackMessage {
  if (total === 0) return message('No customer has opted out of this workspace’s business number.');
  const shown = entries.slice(0, OPT_OUTS_SHOWN);
  const lines = shown.map((entry) => `• ${truncate(describeOptOutEntry(entry, SLACK_SURFACE), 250)}`);
  const more = total - shown.length;
  return message(
    `*${total} opted out*, newest first:\n${lines.join('\n')}${more > 0 ? `\n…and ${more} more (\`orderstatus optout list\` shows up to 200).` : ''}`,
  );
}

/** `/orderstatus quality`: the account's state in the admins' words, and the Resume button on a flag. */
export function buildQualityMessage(
  view: AccountHealthView & { credentials: { templateName: string; businessNumber: string } },
  optedOut: number,
): SlackMessage {
  const lines = describeAccountHealth(view, optedOut, SLACK_SURFACE);
  const pausedByFlag = view.number?.flagged === true && view.number.override === undefined;
  return message(`*Consent and quality*\n${lines.join('\n')}`, pausedByFlag ? [resumeButton()] : []);
}

/** Resume bulk sends although the number is flagged: admins only, confirmed, recorded with their name. */
export function resumeButton(): KnownBlock {
  return buildActions([
    {
      actionId: QUALITY_RESUME_ACTION,
      text: 'Resume bulk sends anyway',
      value: 'resume',
      style: 'danger',
      confirm: buildConfirmDialog({
        title: 'Resume bulk sends?',
        text: 'Meta flagged this number: more bulk messages can lower its quality and messaging limit further. Your name is recorded with the override; a new flag pauses bulk sends again.',
        confirm: 'Resume',
        deny: 'Keep paused',
      }),
    },
  ]);
}

export function buildQualityResumed(result: {
  overridden: { event: string; at: Date } | undefined;
  resumed: readonly unknown[];
  by: string;
}): SlackMessage {
  if (!result.overridden) {
    return message(
      'Nothing to resume: the business number is not flagged, or bulk sends were resumed already.',
    );
  }
  const jobs = result.resumed.length;
  return message(
    `:arrow_forward: ${formatActor(result.by)} resumed bulk sends ${formatSlackDate(result.overridden.at.toISOString())} although Meta flagged the business number (recorded). ${jobs} paused bulk job${jobs === 1 ? '' : 's'} go on; a new flag pauses them again.`,
  );
}
