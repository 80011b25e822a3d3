import { describeOptOutEntry, describeOvertakenChange } from '../describe/describe-consent.ts';
import { type KeywordAction, standardKeywordsOf } from '../domain/consent-keywords.ts';
import { readCustomerNumber } from '../domain/order-status.ts';
import { ValidationError } from '../errors/validation-error.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand, CliWork, Io } from './command.ts';
import { type CliOptions, checkSubcommand, type OptionName, requireOption, UsageError } from './usage.ts';

/** The flags of each `optout` subcommand. */
const ACTIONS: Record<string, readonly OptionName[]> = {
  add: ['team', 'to', 'reason'],
  remove: ['team', 'to', 'reason'],
  list: ['team'],
  keywords: ['team'],
  'keyword-add': ['team', 'word', 'means'],
  'keyword-remove': ['team', 'word'],
};
const MEANS: Record<string, KeywordAction> = { stop: 'opt_out', start: 'opt_in' };

/**
 * `orderstatus optout add|remove --team T --to +… [--reason R]`, `optout list --team T`, and the
 * workspace's own keywords (`optout keywords`, `keyword-add --word W [--means stop|start]`,
 * `keyword-remove --word W`). Every change is journaled as made by the CLI.
 */
export const optoutCommand: CliCommand = {
  flags: ['team', 'to', 'reason', 'word', 'means'],
  prepare(values, action, io) {
    const subcommand = checkSubcommand('optout', action, ACTIONS, values);
    const team = requireOption(values, 'team');
    if (subcommand === 'add' || subcommand === 'remove') return change(team, subcommand, values, io);
    if (subcommand === 'list') return list(team, io);
    return keywords(team, subcommand, values, io);
  },
};

function change(team: string, action: 'add' | 'remove', values: CliOptions, io: Io): CliWork {
  const read = readCustomerNumber(requireOption(values, 'to'));
  if (!read.ok) throw new ValidationError({ '--to': read.issue });
  return async (services) => {
    const done = await services.consent.change({
      workspaceId: team,
      number: read.number,
      action: action === 'add' ? 'opt_out' : 'opt_in',
      by: 'cli',
      reason: values.reason,
    });
    const when = done.at.toISOString();
    if (done.decidedBy) {
      io.out(describeOvertakenChange({ ...done, decidedBy: done.decidedBy }, cliSurface({ team })));
    } else if (action === 'add') {
      io.out(
        done.changed
          ? `opted out: ${done.customerMasked} (${when}); nothing is sent to this number from ${team} until they send START or you run optout remove.`
          : `${done.customerMasked} had already opted out; nothing changed (noted in the journal).`,
      );
    } else {
      io.out(
        done.changed
          ? `opt-out lifted: ${done.customerMasked} (${when}); updates to this number go again.`
          : `${done.customerMasked} had not opted out; nothing changed (noted in the journal).`,
      );
    }
    return 0;
  };
}

function list(team: string, io: Io): CliWork {
  return async (services) => {
    const { total, entries } = await services.consent.list(team);
    io.out(`${total} opted out of ${team}'s business number${total > 0 ? ', newest first:' : '.'}`);
    const surface = cliSurface({ team });
    for (const entry of entries) io.out(`  ${describeOptOutEntry(entry, surface)}`);
    if (entries.length < total) io.out(`  (only the newest ${entries.length} are shown)`);
    return 0;
  };
}

function keywords(team: string, action: string, values: CliOptions, io: Io): CliWork {
  if (action === 'keywords') {
    return async (services) => {
      const words = await services.consent.listKeywords(team);
      io.out(
        `Standard: ${standardKeywordsOf('opt_out')} opt out; ${standardKeywordsOf('opt_in')} opt back in.`,
      );
      if (words.length === 0) io.out(`${team} has no keywords of its own.`);
      for (const word of words) {
        io.out(
          `  ${word.keyword}: ${word.action === 'opt_out' ? 'opts out' : 'opts back in'} (added by ${cliSurface().actor(word.addedBy)} ${word.addedAt.toISOString()})`,
        );
      }
      return 0;
    };
  }
  const word = values.word;
  if (word === undefined || word.trim() === '') throw new UsageError('--word is required');
  if (action === 'keyword-remove') {
    return async (services) => {
      const { keyword, removed } = await services.consent.removeKeyword(team, word);
      io.out(
        removed ? `removed: ${keyword}` : `${keyword} is not one of ${team}'s keywords; nothing changed.`,
      );
      return removed ? 0 : 1;
    };
  }
  const means = MEANS[(values.means ?? 'stop').trim().toLowerCase()];
  if (!means)
    throw new ValidationError({ '--means': 'Say stop (the word opts out) or start (it opts back in).' });
  return async (services) => {
    const { keyword, changed } = await services.consent.addKeyword(team, word, means, 'cli');
    io.out(
      `${changed ? 'added' : 'already there'}: a message that is only ${keyword} ${means === 'opt_out' ? 'opts the customer out' : 'opts the customer back in'}.`,
    );
    return 0;
  };
}
