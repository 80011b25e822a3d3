import {
  previewSavedReply,
  readSavedReplyName,
  readSavedReplyText,
  SAVED_REPLIES_MAX,
  type SavedReply,
} from '../domain/saved-reply.ts';
import { ValidationError } from '../errors/validation-error.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand, CliWork, Io } from './command.ts';
import { type CliOptions, checkSubcommand, type OptionName, requireOption, UsageError } from './usage.ts';

/** The flags of each `replies` subcommand. */
const ACTIONS: Record<string, readonly OptionName[]> = {
  add: ['team', 'name', 'text', 'replace'],
  remove: ['team', 'name'],
  list: ['team', 'name'],
};
/** A listed reply's text is cut here, so each reply stays one line of a terminal. */
const LIST_PREVIEW_MAX = 100;

/**
 * `orderstatus replies add --team T --name N --text TEXT|- [--replace]`, `replies remove --team T
 * --name N`, `replies list --team T [--name N]`: the workspace's saved replies, which agents pick in
 * Slack's Reply form. Names and texts are checked before storage opens (a typo is exit 2 at once).
 */
export const repliesCommand: CliCommand = {
  flags: ['team', 'name', 'text', 'replace'],
  prepare(values, action, io) {
    checkSubcommand('replies', action, ACTIONS, values);
    const team = requireOption(values, 'team');
    if (action === 'add') return add(team, values, io);
    if (action === 'remove') return remove(team, values, io);
    return values.name === undefined ? list(team, io) : show(team, checkedName(values), io);
  },
};

/** --name, checked as a saved reply's name is (the CLI's words for a missing one). */
function checkedName(values: CliOptions): string {
  if (values.name === undefined) throw new UsageError('--name is required (the reply’s name, in quotes)');
  const name = readSavedReplyName(values.name);
  if (!name.ok) throw new ValidationError({ '--name': name.issue });
  return name.name;
}

function add(team: string, values: CliOptions, io: Io): CliWork {
  const name = checkedName(values);
  if (values.text === undefined) throw new UsageError('--text is required (--text - reads it from stdin)');
  const text = readSavedReplyText(values.text === '-' ? io.readStdin() : values.text);
  if (!text.ok) throw new ValidationError({ '--text': text.issue });
  return async (services) => {
    const done = await services.savedReplies.add({
      workspaceId: team,
      name,
      text: text.text,
      by: 'cli',
      replace: values.replace === true,
    });
    const uses = text.uses.length > 0 ? text.uses.map((p) => `{${p}}`).join(', ') : 'no placeholders';
    io.out(
      `${done.replaced ? 'replaced' : 'saved'}: “${done.reply.name}” (${uses}); ${team} has ${count(done.count)} (at most ${SAVED_REPLIES_MAX}).`,
    );
    return 0;
  };
}

function remove(team: string, values: CliOptions, io: Io): CliWork {
  const name = checkedName(values);
  return async (services) => {
    const removed = await services.savedReplies.remove(team, name);
    io.out(`removed: “${removed.name}”; agents no longer see it in the Reply form.`);
    return 0;
  };
}

function list(team: string, io: Io): CliWork {
  return async (services) => {
    const replies = await services.savedReplies.list(team);
    if (replies.length === 0) {
      io.out(
        `${team} has no saved replies. Add one with: orderstatus replies add --team ${team} --name … --text …`,
      );
      return 0;
    }
    io.out(`${count(replies.length)} in ${team} (at most ${SAVED_REPLIES_MAX}), by name:`);
    for (const reply of replies) {
      io.out(`  ${reply.name}: ${previewSavedReply(reply.text, LIST_PREVIEW_MAX)}`);
    }
    return 0;
  };
}

/** One reply in full, as written (placeholders unfilled), with who saved it and when. */
function show(team: string, name: string, io: Io): CliWork {
  return async (services) => {
    const reply: SavedReply = await services.savedReplies.get(team, name);
    io.out(`“${reply.name}”, saved by ${cliSurface().actor(reply.savedBy)} ${reply.savedAt.toISOString()}:`);
    // A carriage return would let a line overwrite the one before it in a terminal.
    io.out(reply.text.replace(/\r\n?/g, '\n'));
    return 0;
  };
}

const count = (n: number) => `${n} saved ${n === 1 ? 'reply' : 'replies'}`;
