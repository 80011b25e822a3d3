import { describeAttemptState, OLDER_SENDS_BY_REFERENCE_ONLY } from '../describe/describe-attempt.ts';
import { readHistoryNumber, readHistoryReference } from '../domain/history-query.ts';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { HistoryEntry } from '../storage/order-history-store.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand } from './command.ts';
import { requireOption, UsageError } from './usage.ts';

/** More than Slack shows: a terminal scrolls. */
export const CLI_HISTORY_LIMIT = 100;

/** `orderstatus history --team T (--ref R | --to +…)`: the same history as Slack, newest first. */
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
      const page = await services.orderHistory.list(team, query, CLI_HISTORY_LIMIT);
      const subject = query.by === 'reference' ? `order ${query.referenceId}` : maskPhoneNumber(query.to);
      if (page.entries.length === 0) {
        io.out(`No update sent for ${subject} was found in ${team}.`);
        if (query.by === 'number') io.out(`${OLDER_SENDS_BY_REFERENCE_ONLY} Try --ref.`);
        return 0;
      }
      for (const entry of page.entries) for (const line of describeEntry(entry, team)) io.out(line);
      if (page.more) io.out(`(only the newest ${CLI_HISTORY_LIMIT} are shown)`);
      return 0;
    };
  },
};

function describeEntry(entry: HistoryEntry, team: string): string[] {
  const surface = cliSurface({ team });
  const by = surface.actor(entry.actor);
  const id = entry.message_id ? `  message_id ${entry.message_id}` : '';
  const forced = entry.forced ? ' (sent again deliberately)' : '';
  const lines = [
    `${new Date(entry.created_at).toISOString()}  ${by}${forced}  ${entry.status}  order ${entry.reference_id} to ${entry.customer_masked}${id}`,
  ];
  if (entry.description) lines.push(`  “${entry.description}”`);
  lines.push(`  ${describeAttemptState(entry, surface)}`);
  return lines;
}
