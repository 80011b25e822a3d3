import { describeAttemptState, OLDER_SENDS_BY_REFERENCE_ONLY } from '../describe/describe-attempt.ts';
import { readHistoryNumber, readHistoryReference } from '../domain/history-query.ts';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { ConversationEntry, IncomingEntry, OutgoingEntry } from '../storage/conversation-store.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand } from './command.ts';
import { requireOption, UsageError } from './usage.ts';

/** More than Slack shows: a terminal scrolls. */
export const CLI_HISTORY_LIMIT = 100;

/**
 * `orderstatus history --team T (--ref R | --to +…)`: the conversation in and out, oldest first: the
 * order-status updates, the customer's messages and the agents' replies, each line saying when, which
 * way, who and what (numbers masked), with each send's delivery state under it.
 */
export const historyCommand: CliCommand = {
  flags: ['team', 'ref', 'to'],
  prepare(values, _action, io) {
    const team = requireOption(values, 'team');
    if ((values.ref === undefined) === (values.to === undefined)) {
      throw new UsageError('history needs exactly one of --ref or --to');
    }
    const read =
      values.ref !== undefined ? readHistoryReference(values.ref) : readHistoryNumber(values.to ?? '');
    if (!read.ok) throw new ValidationError({ [values.ref !== undefined ? '--ref' : '--to']: read.issue });
    const { query } = read;
    return async (services) => {
      const page = await services.conversations.list(team, query, CLI_HISTORY_LIMIT);
      const subject = query.by === 'reference' ? `order ${query.referenceId}` : maskPhoneNumber(query.to);
      if (page.entries.length === 0) {
        io.out(`No update, reply or customer message for ${subject} was found in ${team}.`);
        if (query.by === 'number') io.out(`${OLDER_SENDS_BY_REFERENCE_ONLY} Try --ref.`);
        return 0;
      }
      const about = query.by === 'reference' ? `about ${subject}` : `with ${subject}`;
      io.out(`The conversation ${about} in ${team}, oldest first:`);
      if (page.more) io.out(`(older ones left out: only the newest ${CLI_HISTORY_LIMIT} are shown)`);
      for (const entry of page.entries) for (const line of describeEntry(entry, team)) io.out(line);
      return 0;
    };
  },
};

function describeEntry(entry: ConversationEntry, team: string): string[] {
  const when = new Date(entry.at).toISOString();
  return entry.direction === 'in' ? describeIncoming(entry, when) : describeOutgoing(entry, when, team);
}

function describeIncoming(entry: IncomingEntry, when: string): string[] {
  const name = entry.customer_name
    ? `${entry.customer_name} (${entry.customer_masked})`
    : entry.customer_masked;
  const kind = entry.type === 'text' ? '' : `  (${entry.type})`;
  return [`${when}  in   ${name} wrote${kind}`, ...quoted(entry.text ?? '(no text)')];
}

function describeOutgoing(entry: OutgoingEntry, when: string, team: string): string[] {
  const surface = cliSurface({ team });
  const by = surface.actor(entry.actor);
  const id = entry.message_id ? `  message_id ${entry.message_id}` : '';
  const forced = entry.forced ? ' (sent again deliberately)' : '';
  const state = `  ${describeAttemptState(entry, surface)}`;
  if (entry.kind !== 'order_status') {
    const order = entry.reference_id ? ` (order ${entry.reference_id})` : '';
    const file = entry.media_name
      ? ` with the file ${entry.media_name} (${entry.media_type ?? 'a file'})`
      : '';
    return [
      `${when}  out  ${by} replied to ${entry.customer_masked}${order}${file}${id}`,
      ...(entry.kind === 'media' && !entry.body ? [] : quoted(entry.body ?? '')),
      state,
    ];
  }
  const lines = [
    `${when}  out  ${by}${forced}  ${entry.status}  order ${entry.reference_id} to ${entry.customer_masked}${id}`,
  ];
  if (entry.description) lines.push(`  “${entry.description}”`);
  lines.push(state);
  return lines;
}

/** Each line of a message, indented and marked, so a text of several lines stays under its entry. */
function quoted(text: string): string[] {
  return text.split(/\r?\n/).map((line) => `  > ${line}`);
}
