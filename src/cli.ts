#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.ts';
import { validateOrderStatus } from './domain/order-status.ts';
import {
  maskApiKey,
  validateWorkspaceSettings,
  type WorkspaceCredentials,
} from './domain/workspace-settings.ts';
import { describeError } from './errors/describe-error.ts';
import { ValidationError } from './errors/validation-error.ts';
import { isMain } from './is-main.ts';
import { createLogger } from './logger.ts';
import { openServices, type Services } from './services/open-services.ts';
import { SCHEMA_VERSION } from './storage/migrations.ts';

const USAGE = `Usage: orderstatus <command> [options]

Commands:
  credentials set --team T --sid S --api-key K --pod in|sg|eu --business-number +91…
                  [--template NAME] [--language CODE]      (--api-key - reads the key from stdin)
  credentials show --team T                                 SID and masked API key
  credentials delete --team T
  credentials reencrypt                                     re-encrypt every API key with the current ENCRYPTION_KEY
  send --team T --to +1… --ref R --status S [--description D] [--template NAME] [--language CODE] [--force]
                                                            prints the message_id; exit 0 only when Kaleyra accepted it
  migrate                                                   create or upgrade the database schema
  serve                                                     start the Slack app server (same as npm start)

--team takes the Slack team id (T…), or the enterprise id (E…) for an Enterprise Grid org.`;

/** A usage mistake: printed with a hint, exit code 2. */
class UsageError extends Error {
  override name = 'UsageError' as const;
}

type Io = { out: (line: string) => void; err: (line: string) => void; readStdin: () => string };

const OPTIONS = {
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
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function requireOption(values: Options, name: 'team' | 'to' | 'ref' | 'status'): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

function describeCredentials(team: string, credentials: WorkspaceCredentials): string[] {
  return [
    `team:            ${team}`,
    `sid:             ${credentials.sid}`,
    `api key:         ${maskApiKey(credentials.apiKey)}`,
    `pod:             ${credentials.pod}`,
    `business number: ${credentials.businessNumber}`,
    `template:        ${credentials.templateName} (${credentials.languageCode})`,
    `updated:         ${credentials.updatedAt} by ${credentials.updatedBy}`,
  ];
}

async function runCredentials(action: string | undefined, values: Options, services: Services, io: Io) {
  if (action === 'reencrypt') {
    const count = await services.credentials.reencryptAll();
    const installations = await services.installationStore.reencryptAll();
    io.out(
      `re-encrypted ${count} workspace${count === 1 ? '' : 's'} and ${installations} Slack installation${installations === 1 ? '' : 's'} with key ${services.currentKeyId}`,
    );
    return 0;
  }
  const team = requireOption(values, 'team');
  if (action === 'show') {
    const credentials = await services.credentials.get(team);
    if (!credentials) {
      io.err(
        `No Kaleyra credentials for ${team}. Set them with: orderstatus credentials set --team ${team} …`,
      );
      return 1;
    }
    for (const line of describeCredentials(team, credentials)) io.out(line);
    return 0;
  }
  if (action === 'delete') {
    const deleted = await services.credentials.delete(team);
    io.out(deleted ? `deleted the Kaleyra credentials of ${team}` : `${team} had no Kaleyra credentials`);
    return 0;
  }
  if (action === 'set') {
    let apiKey = values['api-key'];
    if (apiKey === '-') apiKey = io.readStdin().trim();
    const result = validateWorkspaceSettings({
      sid: values.sid ?? '',
      apiKey: apiKey ?? '',
      pod: values.pod ?? '',
      businessNumber: values['business-number'] ?? '',
      ...(values.template !== undefined ? { templateName: values.template } : {}),
      ...(values.language !== undefined ? { languageCode: values.language } : {}),
    });
    if (!result.ok) throw new ValidationError(renameSettingsIssues(result.issues));
    const saved = await services.credentials.set(team, result.value, 'cli');
    io.out(`saved the Kaleyra credentials of ${team}`);
    for (const line of describeCredentials(team, saved)) io.out(line);
    return 0;
  }
  throw new UsageError(`unknown credentials command: ${action ?? '(none)'}`);
}

const SETTINGS_FLAGS: Record<string, string> = {
  sid: '--sid',
  apiKey: '--api-key',
  pod: '--pod',
  businessNumber: '--business-number',
  templateName: '--template',
  languageCode: '--language',
};
const SEND_FLAGS: Record<string, string> = {
  to: '--to',
  referenceId: '--ref',
  status: '--status',
  description: '--description',
  templateName: '--template',
  languageCode: '--language',
};

function renameIssues(issues: Record<string, string | undefined>, flags: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(issues)) {
    if (message !== undefined) out[flags[field] ?? field] = message;
  }
  return out;
}
const renameSettingsIssues = (issues: Record<string, string | undefined>) =>
  renameIssues(issues, SETTINGS_FLAGS);

async function runSend(values: Options, services: Services, io: Io) {
  const team = requireOption(values, 'team');
  const result = validateOrderStatus({
    to: requireOption(values, 'to'),
    referenceId: requireOption(values, 'ref'),
    status: requireOption(values, 'status'),
    ...(values.description !== undefined ? { description: values.description } : {}),
    ...(values.template !== undefined ? { templateName: values.template } : {}),
    ...(values.language !== undefined ? { languageCode: values.language } : {}),
  });
  if (!result.ok) throw new ValidationError(renameIssues(result.issues, SEND_FLAGS));
  const outcome = await services.orderStatus.sendOrderStatus({
    workspaceId: team,
    request: result.value,
    actor: { kind: 'cli' },
    force: values.force === true,
  });
  if (outcome.ok) {
    io.out(outcome.messageId);
    return 0;
  }
  const description = describeError(outcome.error);
  io.err(`error [${description.code}]: ${description.summary} ${description.nextStep}`);
  if (description.code === 'DUPLICATE') io.err('To send it anyway, repeat the command with --force.');
  return 1;
}

/** Runs one CLI invocation; returns the exit code. Exported for tests that need no child process. */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: Io,
) {
  let parsed: { values: Options; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`error: ${(error as Error).message}`);
    io.err(USAGE);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, action] = positionals;
  if (values.help || command === undefined || command === 'help') {
    (command === undefined && !values.help ? io.err : io.out)(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command === 'serve') {
    const { startServer } = await import('./server.ts');
    try {
      await startServer(env, { handleSignals: true });
    } catch (error) {
      io.err(`orderstatus: cannot start: ${(error as Error).message}`);
      return 1;
    }
    return undefined;
  }
  if (command !== 'credentials' && command !== 'send' && command !== 'migrate') {
    io.err(`error: unknown command ${command}`);
    io.err(USAGE);
    return 2;
  }

  let services: Services | undefined;
  try {
    const config = loadConfig(env);
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
    services = await openServices(config, logger, { migrate: command === 'migrate' });
    if (command === 'migrate') {
      io.out(`database schema is at version ${SCHEMA_VERSION} (${services.databaseMode})`);
      return 0;
    }
    if (command === 'credentials') return await runCredentials(action, values, services, io);
    return await runSend(values, services, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      io.err(USAGE);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.err(`error: ${error.message}`);
      return 2;
    }
    if (error instanceof ValidationError) {
      for (const [field, message] of Object.entries(error.issues)) io.err(`error: ${field}: ${message}`);
      return 2;
    }
    const description = describeError(error);
    io.err(`error [${description.code}]: ${description.summary} ${description.nextStep}`);
    if (description.code === 'INTERNAL') io.err(String((error as Error)?.message ?? error));
    return 1;
  } finally {
    await services?.close();
  }
}

if (isMain(import.meta.url)) {
  const code = await runCli(process.argv.slice(2), process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: () => readFileSync(0, 'utf8'),
  });
  if (code !== undefined) process.exitCode = code;
}
