import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openServices } from '../../src/services/open-services.ts';
import { type ServerProcess, startServerProcess } from '../../test/support/server-process.ts';
import { type BenchContext, log } from './context.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
// Inside node_modules, so the build resolves the project's dependencies and never touches dist/; named after
// the checkout, so two checkouts sharing one node_modules (a symlink) can bench at once without clobbering
// each other's build.
const BUILD_DIR = path.join(
  root,
  'node_modules',
  '.cache',
  `orderstatus-bench-${createHash('sha256').update(root).digest('hex').slice(0, 8)}`,
);
export const SIGNING_SECRET = 'bench-signing-secret-0000000000';
const BOT_TOKEN = 'xoxb-bench-token-0000';
// What production runs with (package.json start, Procfile, Dockerfile, manifests/deployment.yaml).
export const PRODUCTION_NODE_ARGS = ['--max-semi-space-size=8'];

/** `npm run build`'s compile, into BUILD_DIR: the bench runs what production runs (`node dist/server.js`). */
export async function buildServer(verbose: boolean): Promise<string> {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  await promisify(execFile)(
    tsc,
    ['-p', 'tsconfig.build.json', '--outDir', BUILD_DIR, '--sourceMap', 'false'],
    { cwd: root },
  ).catch((error: { stdout?: string }) => {
    // tsc still emits when only types are wrong; a missing entry point is what matters.
    if (verbose) log(`tsc reported problems:\n${error.stdout ?? ''}`);
  });
  // Under node_modules the project's package.json no longer applies: say these files are ES modules.
  await writeFile(path.join(BUILD_DIR, 'package.json'), '{"type":"module"}\n');
  const entry = path.join(BUILD_DIR, 'server.js');
  await stat(entry);
  return entry;
}

/** Every server started and not yet stopped, so that nothing outlives the bench. */
const running = new Set<ServerProcess>();

/** Another entry than the built server (the floor), and the name of its CPU profile under --cpu-prof-dir. */
export type BenchServerOptions = { entry?: string; profileName?: string };

/**
 * The built server as a child process (test/support/server-process.ts), wired to the fakes, logging as
 * production does (LOG_LEVEL=info, one line per send), with the node flags of the command line.
 */
export async function startBenchServer(
  ctx: BenchContext,
  env: Record<string, string>,
  { entry = ctx.entry, profileName }: BenchServerOptions = {},
): Promise<ServerProcess> {
  const { cpuProfDir, nodeArgs } = ctx.options;
  const profiling = cpuProfDir
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${cpuProfDir}`,
        ...(profileName ? [`--cpu-prof-name=${profileName}`] : []),
      ]
    : [];
  const server = await startServerProcess(
    {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: ctx.fakes.slackUrl,
      KALEYRA_BASE_URL: ctx.fakes.kaleyraUrl,
      LOG_LEVEL: 'info',
      ...env,
    },
    {
      entry,
      nodeArgs: [...profiling, ...nodeArgs],
      timeoutMs: 60_000,
      // Fine enough to time a cold start.
      pollMs: 5,
    },
  );
  running.add(server);
  return server;
}

export async function stopBenchServer(server: ServerProcess): Promise<void> {
  await server.stop();
  running.delete(server);
}

/** After a failure (servers are stopped as the bench goes) or at exit. */
export function killBenchServers(): void {
  for (const server of running) server.child.kill('SIGKILL');
  running.clear();
}

/** The server's warnings, errors and non-JSON output (the first 20, cut to 300 characters), for the report. */
export function notableLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /"level":(40|50|60)/.test(line) || (line.trim() !== '' && !line.startsWith('{')))
    .slice(0, 20)
    .map((line) => line.slice(0, 300));
}

/** The environment of a server on the run's Postgres. */
export function postgresEnv(ctx: BenchContext): Record<string, string> {
  return { DATABASE_URL: ctx.options.databaseUrl, ENCRYPTION_KEY: ctx.encryptionKey };
}

/** Migrates the database and stores the workspace's credentials, through the app's own services. */
export async function configureWorkspace(ctx: BenchContext, businessNumber: string): Promise<void> {
  const config = loadConfig({ ...postgresEnv(ctx), DATA_DIR: os.tmpdir() });
  const services = await openServices(config, createLogger({ level: 'warn' }), { migrate: true });
  try {
    await services.credentials.set(
      ctx.team,
      {
        sid: 'HXIN1234567890IN',
        apiKey: 'Abench000000000000000000000000003',
        pod: 'in',
        businessNumber,
        templateName: 'order_status',
        languageCode: 'en',
      },
      'bench',
    );
  } finally {
    await services.close();
  }
}
