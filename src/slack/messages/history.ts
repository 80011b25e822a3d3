import type { KnownBlock } from '@slack/types';
import { describeAttemptState, OLDER_SENDS_BY_REFERENCE_ONLY } from '../../describe/describe-attempt.ts';
import type { HistoryQuery } from '../../domain/history-query.ts';
import { maskPhoneNumber } from '../../domain/mask-phone.ts';
import type { HistoryEntry, HistoryPage } from '../../storage/order-history-store.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { describeUpdate, withDescription } from './describe-update.ts';
import { codeWithin, cutMrkdwn, formatActor, formatSlackDate, type SlackMessage } from './mrkdwn.ts';
import { SLACK_SURFACE } from './slack-surface.ts';

/** Entries shown in Slack (a message holds at most 50 blocks); the CLI lists more. */
export const SLACK_HISTORY_LIMIT = 20;

/** `/orderstatus history …`, answered only to the asker: newest first, each with its delivery state. */
export function buildHistoryMessage(query: HistoryQuery, page: HistoryPage): SlackMessage {
  const subject =
    query.by === 'reference'
      ? `order \`${codeWithin(query.referenceId, 60)}\``
      : `${maskPhoneNumber(query.to)}`;
  if (page.entries.length === 0) {
    const text =
      query.by === 'reference'
        ? `No update has been sent for ${subject} in this workspace.`
        : `No update sent to ${subject} was found in this workspace. ${OLDER_SENDS_BY_REFERENCE_ONLY} Try \`${SLASH_COMMAND} history <order reference>\`.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:mag: ${text}` } }] };
  }
  const count = `${page.entries.length}${page.more ? '+' : ''} update${page.entries.length === 1 ? '' : 's'}`;
  const title = query.by === 'reference' ? `History of ${subject}` : `Updates sent to ${subject}`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:mag: *${title}*, newest first (${count})` } },
    ...page.entries.map(entryBlock),
  ];
  if (page.more) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Only the newest ${page.entries.length} are shown; \`orderstatus history\` in a terminal lists more.`,
        },
      ],
    });
  }
  return { text: `${title}: ${count}`, blocks };
}

function entryBlock(entry: HistoryEntry): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: historyEntryText(entry) } };
}

/** One attempt as history shows it: when, who, what, its message_id, then its delivery state. */
export function historyEntryText(entry: HistoryEntry): string {
  const update = {
    customerMasked: entry.customer_masked,
    referenceId: entry.reference_id,
    status: entry.status,
    ...(entry.description ? { description: entry.description } : {}),
  };
  const when = formatSlackDate(new Date(entry.created_at).toISOString());
  const id = entry.message_id ? ` · message_id \`${codeWithin(entry.message_id, 100)}\`` : '';
  const forced = entry.forced ? ' (sent again deliberately)' : '';
  const head = `*${when}* · ${formatActor(entry.actor)}${forced}: ${describeUpdate(update)}${id}`;
  const state = describeAttemptState(entry, SLACK_SURFACE);
  return cutMrkdwn(`${withDescription(head, update)}\n${state}`, SLACK_LIMITS.sectionText);
}
