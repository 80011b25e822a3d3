import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { slashCommandBody } from '../../test/support/slack-request.ts';
import { maxInWindow } from '../../test/support/sliding-window.ts';
import { checkFile, configure, confirmBody, post, startOneLiners } from './bulk-flow.ts';
import { type BenchContext, DEFAULT_LIMIT, fmt, log, sleep, wallClock } from './context.ts';
import { percentile } from './load.ts';
import { postgresEnv, startBenchServer, stopBenchServer } from './server.ts';

/** Rows of the measured job. */
export const BULK_ROWS = 1000;
/** One-liners per second from another workspace while the job runs (their acks are measured). */
const ONE_LINERS_PER_SECOND = 10;

/** One bulk job at the default limit on one store, with one-liners acked alongside it. */
export type BulkRun = {
  /** Send → the last row reached Kaleyra (ms); target ≤ 1.1 × BULK_ROWS / DEFAULT_LIMIT s. */
  toLastSendMs: number;
  /** Send → the summary and result file in Slack (ms). */
  toReportMs: number;
  /** The most rows Kaleyra got in any 975 ms window (the limit's sliding second, less arrival jitter). */
  maxPerSecond: number;
  /** Rows sent more than once, and rows never sent. */
  duplicates: number;
  lost: number;
  /** Result file lines that are not `sent`. */
  notSent: number;
  oneLiners: { n: number; p50: number; p99: number; max: number; failed: number };
  /**
   * One-liners from the job's own workspace (same business number, same rate budget) during a second,
   * 300-row job: command → outcome posted (ms), i.e. how long one waits behind the file.
   */
  sameNumber: { n: number; p50: number; p99: number; max: number };
};

/** Per store: the job at the default limit, and the worker's own ceiling (rows/s with the limit lifted). */
export type BulkResults = {
  postgres: BulkRun;
  embedded: BulkRun;
  lifted: { postgres: number; embedded: number };
};

/**
 * A 1,000-row `/orderstatus bulk` job through the real Slack flow (file, checked view, Send) on the
 * built server at the default limit (80/s), on Postgres and on the embedded database: how long from
 * Send until the last row reached Kaleyra and until the result file was posted, the rate Kaleyra saw,
 * duplicates and gaps; meanwhile one-liners from another workspace (10/s) and their ack latency.
 */
export async function measureBulk(ctx: BenchContext): Promise<BulkResults> {
  const postgres = await runOn(ctx, 'Postgres', postgresEnv(ctx), 'PG');
  const postgresLifted = await liftedOn(ctx, 'Postgres', postgresEnv(ctx), 'PL');
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-bench-bulk-'));
  try {
    const embedded = await runOn(ctx, 'the embedded database', { DATA_DIR: dataDir }, 'EM');
    const embeddedLifted = await liftedOn(ctx, 'the embedded database', { DATA_DIR: dataDir }, 'EL');
    return { postgres, embedded, lifted: { postgres: postgresLifted, embedded: embeddedLifted } };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Each run sends from business numbers of its own, so no run's rate budget slows another's. */
const numberFor = (tag: string, role: number) =>
  `+91987650${String(100 + ['PG', 'PL', 'EM', 'EL'].indexOf(tag) * 10 + role).padStart(4, '0')}`;

async function runOn(
  ctx: BenchContext,
  label: string,
  env: Record<string, string>,
  tag: string,
): Promise<BulkRun> {
  const team = `${ctx.team}BK${tag}`;
  const other = `${ctx.team}BO${tag}`;
  await configure(env, team, numberFor(tag, 0));
  await configure(env, other, numberFor(tag, 1));
  const server = await startBenchServer(ctx, env);
  try {
    log(
      `bulk on ${label}: ${BULK_ROWS} rows at the default limit, one-liners from another workspace at ${ONE_LINERS_PER_SECOND}/s…`,
    );
    const prefix = `${ctx.run}-BK${tag}-`;
    const jobId = await checkFile(ctx, server, team, prefix, BULK_ROWS);
    const started = wallClock();
    await post(server, confirmBody(team, jobId));
    const oneLiners = startOneLiners(ctx, server, other, `${ctx.run}-BO${tag}-`, ONE_LINERS_PER_SECOND);
    const done = await ctx.fakes.bulkDone(jobId, prefix, (BULK_ROWS / DEFAULT_LIMIT) * 1000 * 3 + 30_000);
    const acks = await oneLiners.stop();
    const sameNumber = await measureSameNumber(ctx, server, team, tag);
    return summarise(done, started, prefix, acks, sameNumber);
  } finally {
    await stopBenchServer(server);
  }
}

/** A 300-row job, and one-liners from its own workspace at 4/s meanwhile: how long each waits to go out. */
async function measureSameNumber(ctx: BenchContext, server: ServerProcess, team: string, tag: string) {
  const prefix = `${ctx.run}-BF${tag}-`;
  const oneLinerPrefix = `${ctx.run}-BS${tag}-`;
  const jobId = await checkFile(ctx, server, team, prefix, 300);
  await post(server, confirmBody(team, jobId));
  const sentAt = new Map<string, number>();
  for (let i = 0; i < 12; i++) {
    await sleep(250);
    const reference = `${oneLinerPrefix}${i}`;
    sentAt.set(reference, wallClock());
    await post(
      server,
      slashCommandBody({
        text: `+919876543210 ${reference} shipped`,
        teamId: team,
        userId: 'UBENCH',
        channelId: 'CBENCH',
        responseUrl: ctx.fakes.responseUrl(reference),
      }),
    );
  }
  await ctx.fakes.bulkDone(jobId, prefix, 30_000);
  const posted = await ctx.fakes.outcomeTimes(oneLinerPrefix);
  const waits = [...sentAt].map(([ref, at]) => (posted.get(ref) ?? Number.NaN) - at).sort((a, b) => a - b);
  return {
    n: waits.length,
    p50: percentile(waits, 50),
    p99: percentile(waits, 99),
    max: waits.at(-1) ?? Number.NaN,
  };
}

/** The same job with the limit lifted: the bulk worker's (and its job table's) own ceiling, rows/s. */
async function liftedOn(ctx: BenchContext, label: string, env: Record<string, string>, tag: string) {
  const team = `${ctx.team}BK${tag}`;
  await configure(env, team, numberFor(tag, 0));
  const server = await startBenchServer(ctx, { ...env, KALEYRA_RATE_LIMIT: '100000' });
  try {
    log(`bulk on ${label}: ${BULK_ROWS} rows with the limit lifted…`);
    const prefix = `${ctx.run}-BK${tag}-`;
    const jobId = await checkFile(ctx, server, team, prefix, BULK_ROWS);
    const started = wallClock();
    await post(server, confirmBody(team, jobId));
    const done = await ctx.fakes.bulkDone(jobId, prefix, 120_000);
    const rate = BULK_ROWS / ((Math.max(...done.sends.map(([, at]) => at)) - started) / 1000);
    log(`  ${prefix}: ${fmt(rate, 1)} rows/s`);
    return rate;
  } finally {
    await stopBenchServer(server);
  }
}

function summarise(
  done: Awaited<ReturnType<BenchContext['fakes']['bulkDone']>>,
  started: number,
  prefix: string,
  acks: { latencies: number[]; failed: number },
  sameNumber: BulkRun['sameNumber'],
): BulkRun {
  const perReference = new Map<string, number>();
  for (const [ref] of done.sends) perReference.set(ref, (perReference.get(ref) ?? 0) + 1);
  const times = done.sends.map(([, at]) => at);
  const rows = done.resultCsv ? (parse(done.resultCsv, { columns: true }) as Array<{ outcome: string }>) : [];
  const sorted = [...acks.latencies].sort((a, b) => a - b);
  const run: BulkRun = {
    toLastSendMs: Math.max(...times) - started,
    toReportMs: done.finishedAt - started,
    maxPerSecond: maxInWindow(times, 975),
    duplicates: [...perReference.values()].filter((n) => n > 1).length,
    lost: BULK_ROWS - perReference.size,
    notSent: rows.length === BULK_ROWS ? rows.filter((row) => row.outcome !== 'sent').length : BULK_ROWS,
    oneLiners: {
      n: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      failed: acks.failed,
    },
    sameNumber,
  };
  log(
    `  ${prefix}: last row sent ${fmt(run.toLastSendMs)} ms after Send (target ≤ ${fmt((1.1 * BULK_ROWS * 1000) / DEFAULT_LIMIT)}), report at ${fmt(run.toReportMs)} ms; one-liner acks p99 ${fmt(run.oneLiners.p99, 1)} ms; same-number one-liners out in p99 ${fmt(sameNumber.p99)} ms`,
  );
  return run;
}

export const bulkSummary = (r: BulkRun, lifted: number): string =>
  `${fmt(r.toLastSendMs / 1000, 2)} s to the last send (${fmt(r.toReportMs / 1000, 2)} s to the result file); max ${r.maxPerSecond}/s; ${r.duplicates} dup, ${r.lost} lost, ${r.notSent} not sent; ${r.oneLiners.n} one-liners acked ${fmt(r.oneLiners.p50, 1)} / ${fmt(r.oneLiners.p99, 1)} / ${fmt(r.oneLiners.max, 1)} ms${r.oneLiners.failed > 0 ? ` (${r.oneLiners.failed} failed)` : ''}; same-number one-liners out in ${fmt(r.sameNumber.p50)} / ${fmt(r.sameNumber.p99)} ms; limit lifted ${fmt(lifted, 1)} rows/s`;
