/**
 * `npm run bench [-- --n 1000 --c 50 --slow-n 200 --floor-n 400 --floor-c 40 --only KEYS --verbose --no-record
 *   --cpu-prof-dir DIR --node-arg=--flag]`; `npm run bench -- --help` prints the options (HELP).
 *
 * A benchmark, not a test. Builds the server the way `npm start` does (tsc, into a folder of
 * node_modules/.cache named after the checkout) and runs it as a child process
 * (test/support/server-process.ts) on Postgres (TEST_DATABASE_URL or
 * DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, migrated here, a fresh ENCRYPTION_KEY),
 * with the fake Slack API and fake Kaleyra of test/support running in a worker thread of this process
 * (fakes.ts). One run measures (measurements.ts, in the order of MEASUREMENTS below):
 *   - ack latency (p50/p99/max) of N signed slash commands with distinct references at concurrency C;
 *   - end-to-end throughput (commands/s until every outcome was posted, in the channel or at the command's
 *     response_url), with the default rate limit (80/s per business number) and with the limit lifted
 *     (the app's own ceiling);
 *   - a baseline: bare POSTs straight to the same fake Kaleyra at the same concurrency;
 *   - ack latency while Kaleyra takes 5 s to answer each send (a smaller N);
 *   - lost and duplicate sends and outcomes; the server's peak RSS (VmHWM) and CPU time per command;
 *   - N Kaleyra status callbacks at concurrency C (sent, delivered, read for ceil(N/3) sends, shuffled):
 *     answer latency, every state applied exactly once, Slack edits per message (callbacks.ts);
 *   - 300 customers' WhatsApp messages at concurrency 30 at the callback URL (incoming.ts): answer
 *     latency, Slack posts per second into the orders' threads, messages shown twice or never;
 *   - cold start (spawn → /healthz 200) on Postgres and on the embedded database (fresh and existing);
 *   - the first hour (first-hour.ts): CLI calls on the embedded store (a usage mistake, the first call on a
 *     new DATA_DIR, calls on an existing one, beside a running server), the same call on Postgres, server
 *     starts on a new and an existing DATA_DIR (time, peak and held memory), and `npm run demo`.
 *   - a 1,000-row `/orderstatus bulk` job at the default limit on Postgres and on the embedded database:
 *     Send → last row at Kaleyra and → result file, the rate Kaleyra saw, duplicates and gaps, and the ack
 *     latency of one-liners sent meanwhile (bulk.ts).
 *   - the floor (floor.ts): the app with the limit lifted and floor-server.ts (only the unavoidable work per
 *     command) on the same Node, fakes and database, warmed up, then three rounds of one app burst and one
 *     floor burst (--floor-n commands at --floor-c, default 400 at 40): the app's throughput, CPU per
 *     command and ack p99 as ratios to the floor's, and both peak RSS (floor-report.ts).
 * --only runs a comma-separated subset of MEASUREMENTS' keys (e.g. `--only firstHour`).
 * Prints one table and appends dated rows to BENCHMARKS.md (unless --no-record) (report.ts): the load
 * table's row when its measurements all ran, the first-hour and floor tables' rows when those did.
 * --verbose adds ack latency by tenth of every burst; --cpu-prof-dir writes a V8 CPU profile of every
 * server started (the floor's app and floor as RUN-app.cpuprofile and RUN-floor.cpuprofile); --node-arg
 * passes a flag to its node (repeatable; replaces production's flags; the floor gets the same).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { TEST_ENCRYPTION_KEY } from '../../test/support/start-app.ts';
import { measureBulk } from './bulk.ts';
import { measureCallbacks } from './callbacks.ts';
import { type BenchContext, type BenchOptions, fmt, log } from './context.ts';
import { startFakes } from './fakes.ts';
import { measureFirstHour } from './first-hour.ts';
import { measureFloor } from './floor.ts';
import { measureIncoming } from './incoming.ts';
import {
  type Measurement,
  measureBaseline,
  measureDefaultLimit,
  measureEmbeddedColdStarts,
  measureLiftedLimit,
  type Results,
} from './measurements.ts';
import { printTable, record } from './report.ts';
import { buildServer, killBenchServers, PRODUCTION_NODE_ARGS } from './server.ts';

/** Run in this order; one entry per key of Results, so the report finds every figure it prints. */
const MEASUREMENTS: { [K in keyof Results]: Measurement<K> } = {
  defaultLimit: measureDefaultLimit,
  liftedLimit: measureLiftedLimit,
  baseline: measureBaseline,
  callbacks: measureCallbacks,
  incoming: measureIncoming,
  embedded: measureEmbeddedColdStarts,
  firstHour: measureFirstHour,
  bulk: measureBulk,
  floor: measureFloor,
};
const MEASUREMENT_KEYS = Object.keys(MEASUREMENTS) as Array<keyof Results>;

const HELP = `Usage: npm run bench [-- options]

Measures orderstatus under load (a benchmark, not a test: see docs/benchmarks.md) and appends the run's
dated rows to BENCHMARKS.md unless --no-record. It builds the server into node_modules/.cache, and
MIGRATES the Postgres database at TEST_DATABASE_URL, else DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/test (the tests' database): never point it at production.

Options:
  --only KEYS          run only these measurements, comma-separated:
                       ${MEASUREMENT_KEYS.join(', ')}
                       (e.g. --only firstHour: the demo and the first CLI calls)
  --n N                slash commands per burst (default 1000)
  --c C                concurrency of a burst (default 50)
  --slow-n N           commands while Kaleyra takes 5 s to answer (default 200)
  --floor-n N          commands per floor burst (default 400)
  --floor-c C          concurrency of a floor burst (default 40)
  --no-record          print the table only; leave BENCHMARKS.md as it is
  --verbose            ack latency by tenth of every burst, and the build's output
  --cpu-prof-dir DIR   write a V8 CPU profile of every server started into DIR
  --node-arg=FLAG      a flag for the servers' node (repeatable; replaces production's flags)
  -h, --help           this text`;

function readOptions(): BenchOptions | undefined {
  const { values: flags } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      n: { type: 'string', default: '1000' },
      c: { type: 'string', default: '50' },
      'slow-n': { type: 'string', default: '200' },
      'floor-n': { type: 'string', default: '400' },
      'floor-c': { type: 'string', default: '40' },
      'cpu-prof-dir': { type: 'string' },
      'node-arg': { type: 'string', multiple: true },
      'no-record': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  if (flags.help) return undefined;
  return {
    n: positive(flags.n, '--n'),
    c: positive(flags.c, '--c'),
    slowN: positive(flags['slow-n'], '--slow-n'),
    floorN: positive(flags['floor-n'], '--floor-n'),
    floorC: positive(flags['floor-c'], '--floor-c'),
    verbose: flags.verbose,
    record: !flags['no-record'],
    cpuProfDir: flags['cpu-prof-dir'],
    nodeArgs: flags['node-arg'] ?? PRODUCTION_NODE_ARGS,
    only: flags.only === undefined ? MEASUREMENT_KEYS : measurementKeys(flags.only),
    databaseUrl:
      process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  };
}

function measurementKeys(list: string): Array<keyof Results> {
  const keys = list.split(',').map((key) => key.trim());
  const unknown = keys.filter((key) => !(MEASUREMENT_KEYS as string[]).includes(key));
  if (unknown.length > 0)
    throw new Error(`--only takes ${MEASUREMENT_KEYS.join(', ')}; not ${unknown.join(', ')}`);
  return keys as Array<keyof Results>;
}

function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return n;
}

async function runMeasurements(ctx: BenchContext): Promise<Partial<Results>> {
  const results: Partial<Results> = {};
  for (const key of MEASUREMENT_KEYS) if (ctx.options.only.includes(key)) await measure(key, ctx, results);
  return results;
}

async function measure<K extends keyof Results>(key: K, ctx: BenchContext, results: Partial<Results>) {
  results[key] = await MEASUREMENTS[key](ctx);
}

async function main(options: BenchOptions): Promise<void> {
  const benchStarted = Date.now();
  const load = os.loadavg()[0] ?? Number.NaN;
  const fakes = await startFakes();
  try {
    log(
      `orderstatus bench: N=${options.n} C=${options.c} slow N=${options.slowN} (floor: ${options.floorN} at C=${options.floorC}), Postgres at ${new URL(options.databaseUrl).host}, load average ${fmt(load, 2)} on ${os.cpus().length} cores`,
    );
    const entry = await buildServer(options.verbose);
    const run = randomBytes(3).toString('hex').toUpperCase();
    // The tests' key: the database keeps its keyed-hash key sealed with ENCRYPTION_KEY, so every process
    // on the same database (the tests' and the bench's) must list the key it was sealed with.
    const encryptionKey = TEST_ENCRYPTION_KEY;
    const results = await runMeasurements({ options, fakes, entry, run, team: `TB${run}`, encryptionKey });

    const report = { options, load, results };
    printTable(report);
    log(`(bench took ${fmt((Date.now() - benchStarted) / 1000, 1)} s)`);
    const warnings = [
      ...(results.defaultLimit?.warnings ?? []),
      ...(results.liftedLimit?.warnings ?? []),
      ...(results.floor?.warnings ?? []),
    ];
    if (warnings.length > 0)
      log(`server warnings/errors (first ${warnings.length}):\n  ${warnings.join('\n  ')}`);
    if (options.record) await record(report);
  } finally {
    killBenchServers(); // only after a failure: servers are stopped as the bench goes
    await fakes.close();
  }
}

// Never leave a server behind, whatever ends the bench.
process.on('exit', killBenchServers);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
let options: BenchOptions | undefined;
try {
  options = readOptions();
} catch (error: unknown) {
  // A mistyped option: one line and the way to the options, not a stack.
  process.stderr.write(
    `bench: ${error instanceof Error ? error.message : String(error)}\nnpm run bench -- --help lists the options.\n`,
  );
  process.exit(2);
}
if (options === undefined) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
try {
  await main(options);
} catch (error: unknown) {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
