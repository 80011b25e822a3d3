export const USAGE = `Usage: orderstatus <command> [options]

Commands:
  credentials set --team T --sid S --api-key - --pod in|sg|eu --business-number +91…
                  [--template NAME] [--language CODE]      (--api-key - reads the key from stdin)
  credentials show --team T                                 SID and masked API key
  credentials delete --team T
  credentials reencrypt                                     re-encrypt every API key with the current ENCRYPTION_KEY
  send --team T --to +1… --ref R --status S [--description D] [--template NAME] [--language CODE] [--force]
                                                            prints the message_id; exit 0 only when Kaleyra accepted it
  send --team T --csv FILE [--description D] [--dry-run]  one update per row (columns phone, reference, status,
                                                            description); the result file on stdout; exit 0 when every
                                                            row was sent or already sent, 1 otherwise, 2 when the file
                                                            is invalid (then nothing is sent)
  callbacks rotate --team T                                 a new Kaleyra callback password: prints url, username, password (once)
  callbacks show --team T                                   callback url, username, when the last callback arrived
  history --team T (--ref R | --to +91…)                    every update sent for an order or to a customer, newest first
  migrate                                                   create or upgrade the database schema
  serve                                                     start the Slack app server (same as npm start)

--team takes the Slack team id (T…), or the enterprise id (E…) for an Enterprise Grid org.`;

/** A usage mistake: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
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
  to: { type: 'string' },
  ref: { type: 'string' },
  status: { type: 'string' },
  description: { type: 'string' },
  force: { type: 'boolean' },
  csv: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type CliOptions = Partial<{
  [K in keyof typeof OPTIONS]: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string;
}>;

export function requireOption(values: CliOptions, name: 'team' | 'to' | 'ref' | 'status'): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
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
