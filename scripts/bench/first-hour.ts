import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { credentialsSetArgs } from '../../test/support/cli-process.ts';
import { type BenchContext, log, sleep } from './context.ts';
import { type MeasuredRun, runMeasured } from './process-tree.ts';
import { startBenchServer, stopBenchServer } from './server.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const REPEAT = 3;
const API_KEY = 'Abench000000000000000000000000003';

/** Wall time (ms) and peak memory of the whole process tree (MB): the median of the runs. */
export type Cost = { ms: number; peakMb: number };

/** A server start: spawn → /healthz 200, its peak (VmHWM) and what it still holds 1 s later (VmRSS). */
export type ServerStart = { readyMs: number; peakMb: number; heldMb: number };

/** What a newcomer meets in the first hour (issue #12), on the embedded store unless named otherwise. */
export type FirstHour = {
  /** `send --team` with no value: answered before any storage is opened. */
  usageMistake: Cost;
  /** `credentials set` on a DATA_DIR that does not exist yet. */
  cliNewFolder: Cost;
  /** `credentials show` on an existing DATA_DIR no process holds. */
  cliExisting: Cost;
  /** `send` on an existing DATA_DIR, to the fake Kaleyra. */
  cliSend: Cost;
  /** `credentials show` while a server holds the DATA_DIR (the CLI goes through it). */
  cliBesideServer: Cost;
  /** `credentials show` on Postgres, for comparison (undefined when the bench has no Postgres). */
  cliPostgres: Cost | undefined;
  serverNewFolder: ServerStart;
  serverExistingFolder: ServerStart;
  /** `npm run -s demo`, spawn → exit, npm included. */
  demo: Cost & { ok: boolean };
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function cost(runs: MeasuredRun[]): Cost {
  return { ms: median(runs.map((r) => r.ms)), peakMb: median(runs.map((r) => r.peakMb)) };
}

/** `node src/cli.ts …` as `npm run orderstatus -- …` runs it; fails the bench on an unexpected exit code. */
async function cli(args: string[], env: Record<string, string>, expectCode: number, stdin?: string) {
  const run = await runMeasured(process.execPath, ['src/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    ...(stdin === undefined ? {} : { stdin }),
  });
  if (run.code !== expectCode) {
    throw new Error(`orderstatus ${args.join(' ')} exited ${run.code}, not ${expectCode}: ${run.stderr}`);
  }
  return run;
}

async function repeat(times: number, once: (i: number) => Promise<MeasuredRun>): Promise<Cost> {
  const runs: MeasuredRun[] = [];
  for (let i = 0; i < times; i++) runs.push(await once(i));
  return cost(runs);
}

async function measureServerStart(ctx: BenchContext, dataDir: string): Promise<ServerStart> {
  const server = await startBenchServer(ctx, { DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  try {
    await sleep(1000);
    const status = await readFile(`/proc/${server.child.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { readyMs: server.startupMs, peakMb: kb('VmHWM') / 1024, heldMb: kb('VmRSS') / 1024 };
  } finally {
    await stopBenchServer(server);
  }
}

export async function measureFirstHour(ctx: BenchContext): Promise<FirstHour> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-first-hour-'));
  const folder = (name: string) => path.join(scratch, name);
  const kaleyra = { KALEYRA_BASE_URL: ctx.fakes.kaleyraUrl };
  try {
    log('first hour: CLI calls on the embedded store…');
    const usageMistake = await repeat(REPEAT, () => cli(['send', '--team'], {}, 2));
    const cliNewFolder = await repeat(REPEAT, (i) =>
      cli(credentialsSetArgs(ctx.team), { DATA_DIR: folder(`new-${i}`) }, 0, `${API_KEY}\n`),
    );
    const existing = { DATA_DIR: folder('new-0'), ...kaleyra };
    const show = ['credentials', 'show', '--team', ctx.team];
    const cliExisting = await repeat(REPEAT, () => cli(show, existing, 0));
    const cliSend = await repeat(REPEAT, (i) =>
      cli(
        [
          'send',
          '--team',
          ctx.team,
          '--to',
          '+919876543210',
          '--ref',
          `${ctx.run}-CLI-${i}`,
          '--status',
          'shipped',
        ],
        existing,
        0,
      ),
    );
    const cliPostgres = await measurePostgresCli(ctx, show);

    log('first hour: server starts on the embedded store, and the CLI beside a running server…');
    const serverNewFolder = await measureServerStart(ctx, folder('server'));
    const serverExistingFolder = await measureServerStart(ctx, folder('server'));
    const beside = await startBenchServer(ctx, { DATA_DIR: folder('new-1'), LOG_LEVEL: 'warn' });
    let cliBesideServer: Cost;
    try {
      cliBesideServer = await repeat(REPEAT, () => cli(show, { DATA_DIR: folder('new-1') }, 0));
    } finally {
      await stopBenchServer(beside);
    }

    log('first hour: npm run demo…');
    const demoRun = await runMeasured('npm', ['run', '--silent', 'demo'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    if (demoRun.code !== 0) log(`the demo failed (exit ${demoRun.code}): ${demoRun.stderr.slice(-500)}`);
    const demo = { ms: demoRun.ms, peakMb: demoRun.peakMb, ok: demoRun.code === 0 };
    return {
      usageMistake,
      cliNewFolder,
      cliExisting,
      cliSend,
      cliBesideServer,
      cliPostgres,
      serverNewFolder,
      serverExistingFolder,
      demo,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The same `credentials show` on the bench's Postgres (set up by the Postgres measurements or here). */
async function measurePostgresCli(ctx: BenchContext, show: string[]): Promise<Cost | undefined> {
  const env = { DATABASE_URL: ctx.options.databaseUrl, ENCRYPTION_KEY: ctx.encryptionKey };
  const probe = await runMeasured(process.execPath, ['src/cli.ts', 'migrate'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  if (probe.code !== 0) {
    log(`no Postgres for the CLI comparison (${probe.stderr.trim().split('\n')[0] ?? ''})`);
    return undefined;
  }
  await cli(credentialsSetArgs(ctx.team), env, 0, `${API_KEY}\n`);
  return repeat(REPEAT, () => cli(show, env, 0));
}
