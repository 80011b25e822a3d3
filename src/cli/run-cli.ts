import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { describeError } from '../describe/describe-error.ts';
import { ValidationError } from '../errors/validation-error.ts';
import { createLogger } from '../logger.ts';
import { openServices, type Services } from '../services/open-services.ts';
import { SCHEMA_VERSION } from '../storage/migrations.ts';
import { callbacksCommand } from './callbacks-command.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand, CliWork, Io } from './command.ts';
import { credentialsCommand } from './credentials-command.ts';
import { historyCommand } from './history-command.ts';
import { sendCommand } from './send-command.ts';
import { type CliOptions, OPTIONS, USAGE, UsageError } from './usage.ts';

export type { Io } from './command.ts';

const migrateCommand: CliCommand = {
  migrates: true,
  prepare: (_values, _action, io) => async (services) => {
    io.out(`database schema is at version ${SCHEMA_VERSION} (${services.databaseMode})`);
    return 0;
  },
};

/** Every command but `serve`, which starts the server instead of opening storage itself. */
const COMMANDS: Record<string, CliCommand> = {
  credentials: credentialsCommand,
  send: sendCommand,
  migrate: migrateCommand,
  callbacks: callbacksCommand,
  history: historyCommand,
};

type Env = Readonly<Record<string, string | undefined>>;

/** Starts the Slack app server in this process (`orderstatus serve`); given by the entry point. */
export type StartServer = (env: Env) => Promise<unknown>;

/** Runs one CLI invocation; returns the exit code (undefined for `serve`, which keeps running). */
export async function runCli(
  argv: readonly string[],
  env: Env,
  io: Io,
  startServer: StartServer,
): Promise<number | undefined> {
  let parsed: { values: CliOptions; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return usageMistake(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, action] = positionals;
  if (values.help || name === undefined || name === 'help') {
    const asked = values.help === true || name === 'help';
    (asked ? io.out : io.err)(USAGE);
    return asked ? 0 : 2;
  }
  if (name === 'serve') return serve(startServer, env, io);
  const command = COMMANDS[name];
  if (!command) return usageMistake(io, `unknown command ${name}`);
  let work: CliWork;
  try {
    work = command.prepare(values, action, io);
  } catch (error) {
    return reportFailure(io, error);
  }
  return runWithServices(env, io, work, command.migrates === true);
}

async function runWithServices(env: Env, io: Io, work: CliWork, migrating: boolean): Promise<number> {
  let services: Services | undefined;
  try {
    const config = loadConfig(env);
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
    services = await openServices(config, logger, { migrate: migrating });
    return await work(services);
  } catch (error) {
    return reportFailure(io, error);
  } finally {
    await services?.close();
  }
}

async function serve(startServer: StartServer, env: Env, io: Io): Promise<number | undefined> {
  try {
    await startServer(env);
  } catch (error) {
    io.err(`orderstatus: cannot start: ${(error as Error).message}`);
    return 1;
  }
  return undefined;
}

function usageMistake(io: Io, message: string): number {
  io.err(`error: ${message}`);
  io.err(USAGE);
  return 2;
}

/** The one place a CLI failure becomes what the user reads, and its exit code. */
function reportFailure(io: Io, error: unknown): number {
  if (error instanceof UsageError) return usageMistake(io, error.message);
  if (error instanceof ConfigError) {
    io.err(`error: ${error.message}`);
    return 2;
  }
  if (error instanceof ValidationError) {
    for (const [field, message] of Object.entries(error.issues)) io.err(`error: ${field}: ${message}`);
    return 2;
  }
  const description = describeError(error, cliSurface());
  io.err(`error [${description.code}]: ${description.summary} ${description.nextStep}`);
  if (description.code === 'INTERNAL') io.err(String((error as Error)?.message ?? error));
  return 1;
}
