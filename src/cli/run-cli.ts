import { ConfigError, loadConfig } from '../config.ts';
import { describeStartFailure } from '../describe/describe-start-failure.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { Services } from '../services/open-services.ts';
import { callbacksCommand } from './callbacks-command.ts';
import { cliSurface } from './cli-surface.ts';
import type { CliCommand, CliWork, Env, Io } from './command.ts';
import { credentialsCommand } from './credentials-command.ts';
import { doctorCommand } from './doctor-command.ts';
import { historyCommand } from './history-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { optoutCommand } from './optout-command.ts';
import { qualityCommand } from './quality-command.ts';
import { repliesCommand } from './replies-command.ts';
import { replyCommand } from './reply-command.ts';
import { sendCommand } from './send-command.ts';
import { type CliOptions, checkOptions, parseCommandLine, USAGE, UsageError, usageOf } from './usage.ts';

export type { Io } from './command.ts';

/**
 * Every command but `serve`, which starts the server instead of opening storage itself. Command modules
 * stay light (flag checks, validation): storage, Kaleyra and the logger load only once a command runs.
 */
const COMMANDS: Record<string, CliCommand> = {
  credentials: credentialsCommand,
  send: sendCommand,
  migrate: migrateCommand,
  callbacks: callbacksCommand,
  history: historyCommand,
  reply: replyCommand,
  doctor: doctorCommand,
  optout: optoutCommand,
  quality: qualityCommand,
  replies: repliesCommand,
};

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
    parsed = parseCommandLine(argv);
  } catch (error) {
    // The usage to show after the mistake: the command's own when the line starts with one.
    const first = argv[0];
    return reportFailure(
      io,
      error,
      first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined,
    );
  }
  const { values, positionals } = parsed;
  const [name, action] = positionals;
  if (values.help || name === undefined || name === 'help') {
    const asked = values.help === true || name === 'help';
    (asked ? io.out : io.err)(asked && name && name !== 'help' ? usageOf(name) : USAGE);
    return asked ? 0 : 2;
  }
  if (name === 'serve') return serve(startServer, env, io);
  const command = COMMANDS[name];
  if (!command) return reportFailure(io, new UsageError(`unknown command ${name}`), undefined);
  const surface = { team: values.team, sends: 'sends' in command && command.sends === true };
  try {
    if (command.flags) checkOptions(values, command.flags, name);
    // `--name Running late` leaves `late` behind: half a value must not run as the whole of it.
    const extra = positionals[2];
    if (extra !== undefined) {
      throw new UsageError(`unexpected ${extra}: a value with spaces goes in quotes (--name "Running late")`);
    }
    if ('run' in command) return await command.run(values, action, io, env);
    const work = command.prepare(values, action, io, env);
    return await runWithServices(env, work, command.migrates === true);
  } catch (error) {
    return reportFailure(io, error, name, surface);
  }
}

/**
 * Opens storage (loading it only now: a usage mistake never pays for it), runs the work, closes. The
 * database starts first and comes up while the rest of the app loads: the embedded one (PGlite, on its
 * own thread) is what a call waits for longest.
 */
async function runWithServices(env: Env, work: CliWork, migrating: boolean): Promise<number> {
  const config = loadConfig(env);
  const [{ openStorage }, { createLogger }] = await Promise.all([
    import('../services/open-storage.ts'),
    import('../logger.ts'),
  ]);
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const [opened, loaded] = await Promise.allSettled([
    openStorage(config, logger),
    import('../services/open-services.ts'),
  ]);
  const database = opened.status === 'fulfilled' ? opened.value : undefined;
  let services: Services | undefined;
  try {
    if (opened.status === 'rejected') throw opened.reason;
    if (loaded.status === 'rejected') throw loaded.reason;
    services = await loaded.value.openServices(config, logger, {
      migrate: migrating,
      database: opened.value,
    });
    return await work(services);
  } finally {
    await (services ?? database)?.close();
  }
}

async function serve(startServer: StartServer, env: Env, io: Io): Promise<number | undefined> {
  try {
    await startServer(env);
  } catch (error) {
    for (const line of describeStartFailure(error)) io.err(line);
    return 1;
  }
  return undefined;
}

/** The one place a CLI failure becomes what the user reads, and its exit code. */
async function reportFailure(
  io: Io,
  error: unknown,
  command: string | undefined,
  surface: Parameters<typeof cliSurface>[0] = {},
): Promise<number> {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}`);
    if (error.usage) io.err(usageOf(command));
    return 2;
  }
  if (error instanceof ConfigError) {
    for (const problem of error.problems) io.err(`error: ${problem}`);
    return 2;
  }
  if (error instanceof ValidationError) {
    for (const [field, message] of Object.entries(error.issues)) io.err(`error: ${field}: ${message}`);
    return 2;
  }
  const { describeError } = await import('../describe/describe-error.ts');
  const description = describeError(error, cliSurface(surface));
  io.err(`error [${description.code}]: ${description.summary} ${description.nextStep}`);
  return 1;
}
