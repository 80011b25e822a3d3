import path from 'node:path';
import pg from 'pg';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { type BenchContext, fmt, log, WARM_UP_N } from './context.ts';
import { type BurstResult, burst } from './load.ts';
import {
  configureWorkspace,
  notableLines,
  postgresEnv,
  SIGNING_SECRET,
  startBenchServer,
  stopBenchServer,
} from './server.ts';

/** App and floor bursts, alternated, so that whatever else loads the machine hits both alike. */
export const FLOOR_ROUNDS = 5;
/**
 * Commands each server handles, not counted, right before each of its measured bursts: a server fresh
 * out of a second's idleness spent up to 1.6 times the CPU per command of one already busy (both did,
 * the app more), so without it the ratio swung with who had just been idle rather than with the code.
 */
export const REWARM_N = 100;
const FLOOR_ENTRY = path.join(import.meta.dirname, 'floor-server.ts');
const BUSINESS_NUMBER = '+919876500003';

/** One measured burst of one server, and what its database journal says about it. */
export type FloorBurst = BurstResult & {
  /** Journal rows of the burst's references that are not `sent`, or missing (n − rows): must be 0. */
  journalErrors: number;
};

export type FloorRound = { app: FloorBurst; floor: FloorBurst };

/** The app (limit lifted, Postgres) against the floor (floor-server.ts), same Node, fakes, database, load. */
export type FloorResults = {
  n: number;
  c: number;
  rounds: FloorRound[];
  /** Errors (burstErrors) in each server's warm-up. */
  warmUpErrors: { app: number; floor: number };
  appRssMb: number;
  floorRssMb: number;
  /** The floor's stderr (it writes nothing else) and the app's warnings and errors, for the report. */
  warnings: string[];
};

/**
 * Starts the app with the limit lifted and the floor, both spawned with this bench's own node (the app's
 * Node: another version would be another runtime, and the ratios would mean nothing) and the same flags,
 * warms each up, then runs FLOOR_ROUNDS rounds of one app burst and one floor burst of N at C (the app first
 * in odd rounds, the floor first in even ones).
 */
export async function measureFloor(ctx: BenchContext): Promise<FloorResults> {
  const { floorN: n, floorC: c } = ctx.options;
  await configureWorkspace(ctx, BUSINESS_NUMBER); // also migrates the database the floor writes to
  const app = await startBenchServer(
    ctx,
    { ...postgresEnv(ctx), KALEYRA_RATE_LIMIT: '100000' },
    { profileName: `${ctx.run}-app.cpuprofile` },
  );
  const floor = await startBenchServer(ctx, floorEnv(ctx), {
    entry: FLOOR_ENTRY,
    profileName: `${ctx.run}-floor.cpuprofile`,
  });
  log(
    `floor: app (pid ${app.child.pid}) and floor (pid ${floor.child.pid}) on ${process.version}; warm-up, then ${FLOOR_ROUNDS} rounds of ${n} commands at C=${c} each…`,
  );
  const journal = new pg.Pool({ connectionString: ctx.options.databaseUrl, max: 1 });
  try {
    const measure = async (server: ServerProcess, label: string, count: number): Promise<FloorBurst> => {
      const result = await burst(ctx, server, { label, n: count, c, timeoutMs: 60_000 });
      return { ...result, journalErrors: await journalErrors(journal, `${ctx.run}-${label}-`, count) };
    };
    // Every burst is checked, warm-ups included: a broken one must not pass as a warm-up.
    const warmUpErrors = {
      app: burstErrors(await measure(app, 'FWA', WARM_UP_N)),
      floor: burstErrors(await measure(floor, 'FWF', WARM_UP_N)),
    };
    const measureWarm = async (server: ServerProcess, label: string): Promise<FloorBurst> => {
      warmUpErrors[server === app ? 'app' : 'floor'] += burstErrors(
        await measure(server, `FR${label}`, REWARM_N),
      );
      return measure(server, `F${label}`, n);
    };
    const rounds: FloorRound[] = [];
    for (let round = 1; round <= FLOOR_ROUNDS; round++) {
      // Who goes first alternates, so neither always runs right after the other's burst.
      const appFirst = round % 2 === 1;
      const [one, other] = appFirst ? ([app, floor] as const) : ([floor, app] as const);
      const first = await measureWarm(one, `${appFirst ? 'A' : 'F'}${round}`);
      const second = await measureWarm(other, `${appFirst ? 'F' : 'A'}${round}`);
      const [appBurst, floorBurst] = appFirst ? [first, second] : [second, first];
      rounds.push({ app: appBurst, floor: floorBurst });
      log(`  round ${round}: ${roundSummary(appBurst, floorBurst)}`);
    }
    const [appRssMb, floorRssMb] = await Promise.all([app.peakRssMb(), floor.peakRssMb()]);
    return {
      n,
      c,
      rounds,
      warmUpErrors,
      appRssMb,
      floorRssMb,
      warnings: [...notableLines(floor.output()), ...notableLines(app.output())],
    };
  } finally {
    await journal.end();
    await Promise.all([stopBenchServer(app), stopBenchServer(floor)]);
  }
}

/** What the floor reads from its environment (floor-server.ts): the account the app has in the database. */
function floorEnv(ctx: BenchContext): Record<string, string> {
  return {
    DATABASE_URL: ctx.options.databaseUrl,
    FLOOR_SID: 'HXIN1234567890IN',
    FLOOR_API_KEY: 'Abench000000000000000000000000003',
    FLOOR_BUSINESS_NUMBER: BUSINESS_NUMBER,
    FLOOR_TEAM: ctx.team,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
  };
}

/**
 * Every command journalled once and recorded `sent` (read after the burst settled): a floor that skipped
 * its statements would otherwise look fast.
 */
async function journalErrors(journal: pg.Pool, prefix: string, n: number): Promise<number> {
  const { rows } = await journal.query<{ sent: string; total: string }>(
    `SELECT count(*) FILTER (WHERE outcome = 'sent') AS sent, count(*) AS total
     FROM send_journal WHERE reference_id LIKE $1`,
    [`${prefix}%`],
  );
  const sent = Number(rows[0]?.sent ?? 0);
  const total = Number(rows[0]?.total ?? 0);
  return total - sent + Math.abs(n - total);
}

/** A burst counts only when every command was acked, sent once, answered once and journalled `sent`. */
export const burstErrors = (b: FloorBurst): number => b.lost + b.duplicates + b.ack.failed + b.journalErrors;

function roundSummary(app: FloorBurst, floor: FloorBurst): string {
  const side = (b: FloorBurst) =>
    `${fmt(b.throughput, 1)} cmd/s, ${fmt(b.cpuPerCommand, 2)} ms CPU/cmd, ack p99 ${fmt(b.ack.p99, 1)} ms${burstErrors(b) > 0 ? `, ${burstErrors(b)} ERRORS` : ''}`;
  return `app ${side(app)}; floor ${side(floor)}`;
}
