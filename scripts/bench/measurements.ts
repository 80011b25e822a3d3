import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerProcess } from '../../test/support/server-process.ts';
import type { BulkResults } from './bulk.ts';
import type { CallbackResults } from './callbacks.ts';
import { type BenchContext, DEFAULT_LIMIT, fmt, log, WARM_UP_N } from './context.ts';
import type { FirstHour } from './first-hour.ts';
import type { FloorResults } from './floor.ts';
import type { IncomingResults } from './incoming.ts';
import { type BurstResult, bareKaleyraThroughput, burst } from './load.ts';
import {
  configureWorkspace,
  notableLines,
  postgresEnv,
  startBenchServer,
  stopBenchServer,
} from './server.ts';

const SLOW_KALEYRA_MS = 5000;

/** One server on Postgres: how it started, its warm-up, its measured burst. */
export type PostgresServerRun = {
  startupMs: number;
  /** The first WARM_UP_N commands after the start (cold code, new connections), measured on their own. */
  warmUp: BurstResult;
  burst: BurstResult;
  peakRssMb: number;
  /** Its warnings and errors, for the report. */
  warnings: string[];
};

/** What each measurement found, by name. A new measurement adds its key here and to main.ts's list. */
export type Results = {
  /** The product as configured: the default rate limit, then the same server while Kaleyra is slow. */
  defaultLimit: PostgresServerRun & { slow: BurstResult };
  /** The limit lifted: the app's own ceiling. */
  liftedLimit: PostgresServerRun;
  /** Requests/s of bare POSTs to the fake Kaleyra. */
  baseline: number;
  /** N Kaleyra status callbacks at concurrency C (callbacks.ts). */
  callbacks: CallbackResults;
  /** INCOMING_N customers' messages at the callback URL, shown in their orders' threads (incoming.ts). */
  incoming: IncomingResults;
  /** Spawn → /healthz 200 on a new and on an existing DATA_DIR (ms), and the first server's RSS then (MB). */
  embedded: { fresh: number; existing: number; idleRss: number };
  /** CLI calls, server starts and the demo on the embedded store (first-hour.ts). */
  firstHour: FirstHour;
  /** A 1,000-row bulk job at the default limit, on Postgres and on the embedded database (bulk.ts). */
  bulk: BulkResults;
  /** The app, limit lifted, against the floor: throughput, CPU per command and ack p99 as ratios (floor.ts). */
  floor: FloorResults;
};

export type Measurement<K extends keyof Results> = (ctx: BenchContext) => Promise<Results[K]>;

const burstTimeoutMs = (n: number) => (n / DEFAULT_LIMIT) * 1000 + 30_000;

export async function measureDefaultLimit(ctx: BenchContext): Promise<Results['defaultLimit']> {
  const { n, c, slowN } = ctx.options;
  // Each server sends from its own business number, so one phase's rate budget cannot slow another's.
  await configureWorkspace(ctx, '+919876500001');
  const server = await startBenchServer(ctx, postgresEnv(ctx));
  log(
    `cold start on Postgres ${fmt(server.startupMs)} ms; warm-up, then ${n} commands at C=${c}, default limit…`,
  );
  const warmUp = await burst(ctx, server, { label: 'WL', n: WARM_UP_N, timeoutMs: 30_000 });
  const measured = await burst(ctx, server, { label: 'L', n, timeoutMs: burstTimeoutMs(n) });

  log(`${slowN} commands while Kaleyra takes 5 s to answer each…`);
  await ctx.fakes.setKaleyraDelay(SLOW_KALEYRA_MS);
  const slow = await burst(ctx, server, { label: 'S', n: slowN, timeoutMs: burstTimeoutMs(slowN) });
  await ctx.fakes.setKaleyraDelay(0);
  return { ...(await finish(server)), warmUp, burst: measured, slow };
}

export async function measureLiftedLimit(ctx: BenchContext): Promise<Results['liftedLimit']> {
  const { n, c } = ctx.options;
  await configureWorkspace(ctx, '+919876500002');
  const server = await startBenchServer(ctx, { ...postgresEnv(ctx), KALEYRA_RATE_LIMIT: '100000' });
  log(
    `cold start on Postgres ${fmt(server.startupMs)} ms; warm-up, then ${n} commands at C=${c}, limit lifted…`,
  );
  const warmUp = await burst(ctx, server, { label: 'WU', n: WARM_UP_N, timeoutMs: 30_000 });
  const measured = await burst(ctx, server, { label: 'U', n, timeoutMs: 60_000 });
  return { ...(await finish(server)), warmUp, burst: measured };
}

/** Reads what is read at the end of a server's run, then stops it. */
async function finish(server: ServerProcess) {
  const peakRssMb = await server.peakRssMb();
  await stopBenchServer(server);
  return { startupMs: server.startupMs, peakRssMb, warnings: notableLines(server.output()) };
}

/** The same fake Kaleyra with no app in front of it. */
export async function measureBaseline(ctx: BenchContext): Promise<Results['baseline']> {
  log('baseline: bare POSTs to the fake Kaleyra…');
  return bareKaleyraThroughput(ctx);
}

export async function measureEmbeddedColdStarts(ctx: BenchContext): Promise<Results['embedded']> {
  log('cold starts on the embedded database…');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-bench-'));
  try {
    const first = await startBenchServer(ctx, { DATA_DIR: dataDir });
    const idleRss = await first.peakRssMb();
    await stopBenchServer(first);
    const second = await startBenchServer(ctx, { DATA_DIR: dataDir });
    await stopBenchServer(second);
    return { fresh: first.startupMs, existing: second.startupMs, idleRss };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
