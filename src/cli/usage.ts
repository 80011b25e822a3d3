import { parseArgs } from 'node:util';

/** What --team takes and where to find it: said in the usage and by every --team mistake. */
export const TEAM_HELP =
  'the Slack team id (T…), shown by `/orderstatus help` and in the workspace’s URL (app.slack.com/client/T…/…), or the enterprise id (E…) for an Enterprise Grid org';

export const USAGE = `Usage: orderstatus <command> [options]

Commands:
  credentials set --team T --sid S --api-key - --pod in|sg|eu|na --business-number +91…
                  [--template NAME] [--language CODE] [--waba-id ID] [--replies-channel C…]
                  [--status-spelling kaleyra|meta]
                                                            the key is read from stdin (--api-key -) or KALEYRA_API_KEY;
                                                            --waba-id lets agents pick from Kaleyra's approved templates;
                                                            --replies-channel: the Slack channel id where customers'
                                                            replies go when no order's thread can take them;
                                                            --status-spelling: partially shipped goes out as
                                                            partially_shipped (kaleyra, the default) or
                                                            partially-shipped (meta)
  credentials show --team T                                 SID, masked API key, replies channel, status spelling
  credentials delete --team T
  credentials reencrypt                                     re-encrypt every API key with the current ENCRYPTION_KEY
  send --team T --to +1… --ref R --status S [--description D] [--template NAME] [--language CODE] [--force]
                                                            prints the message_id; exit 0 only when Kaleyra accepted it
  send --team T --csv FILE [--description D] [--dry-run]  one update per row (columns phone, reference, status,
                                                            description); the result file on stdout; exit 0 when every
                                                            row was sent or already sent, 1 otherwise, 2 when the file
                                                            is invalid (then nothing is sent)
  reply --team T --to +91… --text TEXT                      a free-form WhatsApp reply to a customer who wrote in the
                                                            last 24 hours (--text - reads it from stdin); prints the
                                                            message_id; exit 0 only when Kaleyra accepted it, 1 when
                                                            refused (window closed, opted out…) or it failed
  callbacks rotate --team T                                 a new Kaleyra callback password: prints url, username, password (once)
  callbacks show --team T                                   callback url, username, when the last callback arrived
  history --team T (--ref R | --to +91…)                    the conversation about an order or with a customer, in and
                                                            out, oldest first: updates, the customer's messages, replies
  optout add --team T --to +91… [--reason R]                opt a customer out of the workspace's business number
  optout remove --team T --to +91… [--reason R]             lift an opt-out (updates to the number go again)
  optout list --team T                                      opted-out numbers (masked), when, why and by whom
  optout keywords --team T                                  the standard keywords and the workspace's own
  optout keyword-add --team T --word W [--means stop|start] a message that is only W opts out (or back in)
  optout keyword-remove --team T --word W
  replies add --team T --name N --text TEXT [--replace]     a saved reply agents pick in Slack's Reply form; placeholders
                                                            {name} (the customer's WhatsApp name), {order}, {status},
                                                            {agent} are filled in when it is sent; {{ and }} write a
                                                            brace; --text - reads it from stdin; a name that exists is
                                                            refused unless --replace
  replies remove --team T --name N
  replies list --team T [--name N]                          every saved reply by name (its text on one line), or one in full
  quality show --team T                                     Meta's word on the template and the number, since when
  quality resume --team T                                   resume bulk sends although the number is flagged (recorded)
  migrate                                                   create or upgrade the database schema
  doctor                                                    check the configuration, the database and each workspace
  serve                                                     start the Slack app server (same as npm start)

--team takes ${TEAM_HELP}.`;

/**
 * A usage mistake: exit code 2, with the usage of the command (or all of it) after the message unless
 * `usage` is false (a mistake whose one line says everything).
 */
export class UsageError extends Error {
  override name = 'UsageError' as const;
  readonly usage: boolean;

  constructor(message: string, options: { usage?: boolean } = {}) {
    super(message);
    this.usage = options.usage ?? true;
  }
}

/** The CLI's options, one table for every command. */
export const OPTIONS = {
  team: { type: 'string' },
  sid: { type: 'string' },
  'api-key': { type: 'string' },
  pod: { type: 'string' },
  'business-number': { type: 'string' },
  template: { type: 'string' },
  language: { type: 'string' },
  'waba-id': { type: 'string' },
  'replies-channel': { type: 'string' },
  'status-spelling': { type: 'string' },
  to: { type: 'string' },
  ref: { type: 'string' },
  status: { type: 'string' },
  description: { type: 'string' },
  text: { type: 'string' },
  force: { type: 'boolean' },
  csv: { type: 'string' },
  'dry-run': { type: 'boolean' },
  reason: { type: 'string' },
  word: { type: 'string' },
  means: { type: 'string' },
  name: { type: 'string' },
  replace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type OptionName = keyof typeof OPTIONS;

export type CliOptions = Partial<{
  [K in OptionName]: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
}>;

const isOption = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

/**
 * The command line as options and positionals. Node's parser is run leniently and every option checked
 * here, so a mistake reads as our own one line (`unknown option --bogus`, `--team needs a value`).
 */
export function parseCommandLine(argv: readonly string[]): { values: CliOptions; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!isOption(token.name)) throw new UsageError(`unknown option ${token.rawName}`);
    const takesValue = OPTIONS[token.name].type === 'string';
    if (
      takesValue &&
      (token.value === undefined || (token.inlineValue !== true && token.value.startsWith('--')))
    ) {
      throw new UsageError(`${token.rawName} needs a value${token.name === 'team' ? `: ${TEAM_HELP}` : ''}`);
    }
    if (!takesValue && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
  }
  return { values: values as CliOptions, positionals };
}

/** Refuses options the command does not take (`send --sid …`), so a mistyped command does not half-run. */
export function checkOptions(values: CliOptions, allowed: readonly OptionName[], command: string): void {
  for (const name of Object.keys(values)) {
    if (name !== 'help' && !allowed.includes(name as OptionName)) {
      throw new UsageError(`--${name} is not an option of ${command}`);
    }
  }
}

/**
 * The subcommand (`optout add`), checked: it is one of `actions`, and the line has only its flags.
 * Returns it with its flags.
 */
export function checkSubcommand(
  command: string,
  action: string | undefined,
  actions: Readonly<Record<string, readonly OptionName[]>>,
  values: CliOptions,
): string {
  const names = Object.keys(actions).join(', ');
  const flags = action === undefined || !Object.hasOwn(actions, action) ? undefined : actions[action];
  if (action === undefined || !flags) {
    throw new UsageError(
      action === undefined
        ? `${command} needs a subcommand: ${names}`
        : `unknown subcommand ${command} ${action} (there are ${names})`,
    );
  }
  checkOptions(values, flags, `${command} ${action}`);
  return action;
}

/** The usage lines of one command (its own lines of USAGE), or the whole usage. */
export function usageOf(command: string | undefined): string {
  if (command === undefined) return USAGE;
  const lines = USAGE.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${command} `) || line === `  ${command}`);
  if (start < 0) return USAGE;
  const own: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (i > start && !line.startsWith(`  ${command} `) && !line.startsWith('    ')) break;
    own.push(line);
  }
  return `Usage: orderstatus ${command} …\n${own.join('\n')}\n\norderstatus --help lists every command.`;
}

export function requireOption(values: CliOptions, name: 'team' | 'to' | 'ref' | 'status'): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${name} is required${name === 'team' ? `: ${TEAM_HELP}` : ''}`);
  }
  return value.trim();
}

/** Field issues renamed to the flags that carry them (`referenceId` → `--ref`). */
export function renameIssues(
  issues: Record<string, string | undefined>,
  flags: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(issues)) {
    if (message !== undefined) out[flags[field] ?? field] = message;
  }
  return out;
}
