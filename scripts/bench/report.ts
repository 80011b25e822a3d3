import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BULK_ROWS, bulkSummary } from './bulk.ts';
import { callbackSummary } from './callbacks.ts';
import { type BenchOptions, DEFAULT_LIMIT, fmt, log, WARM_UP_N } from './context.ts';
import { addFirstHourRow, firstHourRows } from './first-hour-report.ts';
import { addFloorRow, floorRows } from './floor-report.ts';
import { addIncomingRow, incomingRows } from './incoming-report.ts';
import type { AckStats, BurstResult } from './load.ts';
import type { Results } from './measurements.ts';
import { addRow, type PrintedRow, type Report, runStamp } from './report-rows.ts';

/** The measurements behind the load table (the first table of BENCHMARKS.md). */
type LoadResults = Pick<
  Results,
  'defaultLimit' | 'liftedLimit' | 'baseline' | 'callbacks' | 'bulk' | 'embedded'
>;
type LoadReport = { options: BenchOptions; load: number; results: LoadResults };

/** The measurements the load table is made of. */
const LOAD_KEYS = ['defaultLimit', 'liftedLimit', 'baseline', 'callbacks', 'bulk', 'embedded'] as const;

function loadReport(report: Report): LoadReport | undefined {
  const { defaultLimit, liftedLimit, baseline, callbacks, bulk, embedded } = report.results;
  if (!defaultLimit || !liftedLimit || baseline === undefined || !callbacks || !bulk || !embedded)
    return undefined;
  return { ...report, results: { defaultLimit, liftedLimit, baseline, callbacks, bulk, embedded } };
}

/** Every burst, warm-ups included. */
function bursts(r: LoadResults): BurstResult[] {
  const { defaultLimit, liftedLimit } = r;
  return [defaultLimit.warmUp, liftedLimit.warmUp, defaultLimit.burst, defaultLimit.slow, liftedLimit.burst];
}

/** Over every burst, warm-ups included. */
function totals(r: LoadResults) {
  const all = bursts(r);
  const sum = (pick: (b: BurstResult) => number) => all.reduce((total, b) => total + pick(b), 0);
  return {
    lost: sum((b) => b.lost),
    duplicates: sum((b) => b.duplicates),
    failedAcks: sum((b) => b.ack.failed),
  };
}

/** The worse of the two warm-ups (first commands after a cold start). */
function coldAck(r: LoadResults): AckStats {
  const { defaultLimit, liftedLimit } = r;
  return liftedLimit.warmUp.ack.p99 > defaultLimit.warmUp.ack.p99
    ? liftedLimit.warmUp.ack
    : defaultLimit.warmUp.ack;
}

const ackText = (a: AckStats) => `${fmt(a.p50, 1)} / ${fmt(a.p99, 1)} / ${fmt(a.max, 1)}`;

/** The figures the table and the BENCHMARKS.md row share, worked out once. */
function figures({ options, results: r }: LoadReport) {
  const atDefault = r.defaultLimit.burst;
  const lifted = r.liftedLimit.burst;
  return {
    atDefault,
    lifted,
    ratios: `${fmt(atDefault.throughput / r.baseline, 3)}; ${fmt(lifted.throughput / r.baseline, 3)}`,
    cpu: `${fmt(atDefault.cpuPerCommand, 2)}; ${fmt(lifted.cpuPerCommand, 2)}`,
    peakRss: Math.max(r.defaultLimit.peakRssMb, r.liftedLimit.peakRssMb),
    coldPg: Math.max(r.defaultLimit.startupMs, r.liftedLimit.startupMs),
    embedded: `${fmt(r.embedded.fresh)} / ${fmt(r.embedded.existing)}`,
    flags: options.nodeArgs.join(' '),
    ...totals(r),
  };
}

export function printTable(report: Report): void {
  const load = loadReport(report);
  const rows: PrintedRow[] = [
    ...(load ? loadRows(load) : []),
    ...(report.results.firstHour ? firstHourRows(report.results.firstHour) : []),
    ...(report.results.floor ? floorRows(report.results.floor) : []),
    ...(report.results.incoming ? incomingRows(report.results.incoming) : []),
  ];
  // The load table's rows need all of its measurements; one run alone (--only callbacks) is shown raw.
  if (!load)
    for (const key of LOAD_KEYS)
      if (report.results[key])
        rows.push([
          key,
          JSON.stringify(report.results[key]),
          `(raw; the table needs all of --only ${LOAD_KEYS.join(',')})`,
        ]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  log('');
  log(`${'measure'.padEnd(widths[0] ?? 0)}  ${'value'.padEnd(widths[1] ?? 0)}  target`);
  for (const [measure, value, target] of rows) {
    log(`${measure.padEnd(widths[0] ?? 0)}  ${value.padEnd(widths[1] ?? 0)}  ${target}`);
  }
}

function loadRows(report: LoadReport): PrintedRow[] {
  const f = figures(report);
  const { results: r, options } = report;
  return [
    ['ack p50 / p99 / max, default limit', `${ackText(f.atDefault.ack)} ms`, 'p99 ≤ 50 ms'],
    ['ack p50 / p99 / max, limit lifted', `${ackText(f.lifted.ack)} ms`, 'p99 ≤ 50 ms'],
    [
      `ack p50 / p99 / max, Kaleyra 5 s (N=${options.slowN})`,
      `${ackText(r.defaultLimit.slow.ack)} ms`,
      'max < 1000 ms',
    ],
    [
      `ack p50 / p99 / max, first ${WARM_UP_N} after start`,
      `${ackText(coldAck(r))} ms`,
      '(cold code, new connections)',
    ],
    [
      `throughput, default limit ${DEFAULT_LIMIT}/s`,
      `${fmt(f.atDefault.throughput, 1)} cmd/s`,
      'capped by the limit',
    ],
    ['throughput, limit lifted', `${fmt(f.lifted.throughput, 1)} cmd/s`, ''],
    ['baseline: bare POSTs to the fake Kaleyra', `${fmt(r.baseline, 1)} req/s`, ''],
    ['ratio to baseline: default; lifted', f.ratios, '≥ 0.5'],
    ['lost / duplicate / failed acks', `${f.lost} / ${f.duplicates} / ${f.failedAcks}`, '0 / 0 / 0'],
    ['server CPU per command: default; lifted', `${f.cpu} ms`, ''],
    [`server peak RSS (VmHWM)${f.flags ? ` with ${f.flags}` : ''}`, `${fmt(f.peakRss, 1)} MB`, '≤ 200 MB'],
    ['cold start, Postgres (worst of 2)', `${fmt(f.coldPg)} ms`, '≤ 1500 ms'],
    ['cold start, embedded fresh / existing', `${f.embedded} ms`, '≤ 1500 ms'],
    ['embedded server RSS just after start', `${fmt(r.embedded.idleRss, 1)} MB`, ''],
    [
      `status callbacks (N=${r.callbacks.callbacks}): p50 / p99 / max`,
      `${fmt(r.callbacks.ack.p50, 1)} / ${fmt(r.callbacks.ack.p99, 1)} / ${fmt(r.callbacks.ack.max, 1)} ms`,
      'p99 < 100 ms, all 2xx',
    ],
    [
      'callbacks failed / state errors',
      `${r.callbacks.ack.failed} / ${r.callbacks.stateErrors}`,
      '0 / 0 (each applied exactly once)',
    ],
    [
      'Slack edits for the callbacks (messages; most per message)',
      `${r.callbacks.edits} (${r.callbacks.sends}; ${r.callbacks.maxEditsPerMessage})`,
      'coalesced: ≤ 3 per message',
    ],
    [
      'Slack showed every final state after the last callback',
      `${fmt(r.callbacks.settleMs)} ms`,
      'a few seconds',
    ],
    ...(['postgres', 'embedded'] as const).flatMap((store): PrintedRow[] => {
      const b = r.bulk[store];
      const name = store === 'postgres' ? 'Postgres' : 'embedded';
      return [
        [
          `bulk ${BULK_ROWS} rows (${name}): Send → last send; → result file`,
          `${fmt(b.toLastSendMs / 1000, 2)} s; ${fmt(b.toReportMs / 1000, 2)} s`,
          `≤ ${fmt((1.1 * BULK_ROWS) / DEFAULT_LIMIT, 2)} s to the last send`,
        ],
        [
          `bulk (${name}): most in a sliding second; dup / lost / not sent`,
          `${b.maxPerSecond}; ${b.duplicates} / ${b.lost} / ${b.notSent}`,
          `≤ ${DEFAULT_LIMIT}; 0 / 0 / 0`,
        ],
        [
          `one-liner acks during the bulk job (${name}, N=${b.oneLiners.n}): p50 / p99 / max`,
          `${fmt(b.oneLiners.p50, 1)} / ${fmt(b.oneLiners.p99, 1)} / ${fmt(b.oneLiners.max, 1)} ms`,
          'p99 < 100 ms',
        ],
        [
          `same-number one-liners during a 300-row job (${name}, N=${b.sameNumber.n}): out in p50 / p99 / max`,
          `${fmt(b.sameNumber.p50)} / ${fmt(b.sameNumber.p99)} / ${fmt(b.sameNumber.max)} ms`,
          'a few rows’ turn, not the file’s',
        ],
        [
          `bulk worker's ceiling (${name}, limit lifted)`,
          `${fmt(r.bulk.lifted[store], 1)} rows/s`,
          `well above ${DEFAULT_LIMIT}/s`,
        ],
      ];
    }),
  ];
}

/**
 * Adds the run's rows to BENCHMARKS.md at the repository root (writing its header first if it is new):
 * the load table's row when those measurements ran, the first-hour and floor tables' rows when those did.
 */
export async function record(report: Report): Promise<void> {
  const file = path.resolve(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
  let text = (await readFile(file, 'utf8').catch(() => undefined)) ?? HEADER;
  const load = loadReport(report);
  if (load) text = addRow(text, LOAD_TABLE_HEAD, loadCells(load));
  if (report.results.firstHour) text = addFirstHourRow(text, report, report.results.firstHour);
  if (report.results.floor) text = addFloorRow(text, report, report.results.floor);
  if (report.results.incoming) text = addIncomingRow(text, report, report.results.incoming);
  await writeFile(file, text);
  log(`added the run to ${path.relative(process.cwd(), file) || file}`);
}

function loadCells(report: LoadReport): string[] {
  const { options, results: r } = report;
  const f = figures(report);
  return [
    ...runStamp(report),
    `${options.n}, ${options.c} (${options.slowN})`,
    ackText(f.atDefault.ack),
    ackText(f.lifted.ack),
    ackText(r.defaultLimit.slow.ack),
    ackText(coldAck(r)),
    fmt(f.atDefault.throughput, 1),
    fmt(f.lifted.throughput, 1),
    fmt(r.baseline, 1),
    f.ratios,
    `${f.lost} / ${f.duplicates}${f.failedAcks > 0 ? ` (${f.failedAcks} failed acks)` : ''}`,
    f.cpu,
    `${fmt(f.peakRss, 1)}${f.flags ? ` (flags ${f.flags})` : ''}`,
    fmt(f.coldPg),
    f.embedded,
    callbackSummary(r.callbacks),
    `Postgres: ${bulkSummary(r.bulk.postgres, r.bulk.lifted.postgres)}. Embedded: ${bulkSummary(r.bulk.embedded, r.bulk.lifted.embedded)}`,
  ];
}

const LOAD_TABLE_HEAD = '| date | machine | N, C (slow N) |';

const HEADER = `# Benchmarks

Appended by \`npm run bench\` (scripts/bench/; flags \`--n --c --slow-n --floor-n --floor-c --only --verbose
--no-record --cpu-prof-dir --node-arg\`, described at the top of scripts/bench/main.ts), one row per run. The server is built as \`npm start\` builds it and runs as
a child process on Postgres (LOG_LEVEL=info, one JSON line per send); the fake Slack API and fake Kaleyra
(test/support) run in a worker thread of the bench process, beside the load generator, all on loopback on
the same machine as Postgres, so every figure includes their share of the CPU. Latencies are measured by the
bench's HTTP client; the load is closed-loop (C commands in flight, the next one leaves when an ack comes
back), so on a saturated machine ack latency ≈ C / commands acknowledged per second.

| column | meaning |
|---|---|
| date | when the run finished (UTC) |
| machine | CPU model × cores, RAM, Node version; load = 1-minute load average when the run started (other work on the machine inflates every latency) |
| N, C (slow N) | slash commands per burst (each with its own reference) and how many are in flight at once; slow N = commands in the slow-Kaleyra burst |
| ack default | ack latency p50 / p99 / max (ms) of the burst with the default rate limit (80/s per business number) |
| ack lifted | the same with KALEYRA_RATE_LIMIT=100000: the most send work per second alongside the acks |
| ack slow | p50 / p99 / max (ms) while Kaleyra takes 5 s to answer every send |
| ack cold | p50 / p99 / max (ms) of the first 100 commands a freshly started server handles (cold code, new connections), worse of the two servers; the three columns before it are measured after this warm-up |
| tput default | end-to-end commands/s (first command → last outcome posted: in the channel, or at its response_url) with the default limit: capped by the limit by design |
| tput lifted | the same with the limit lifted: the app's own ceiling on this machine |
| baseline | requests/s of bare POSTs straight to the same fake Kaleyra at concurrency C (no app; not rate limited) |
| ratio | tput / baseline: default; lifted |
| lost / dup | commands never sent to Kaleyra or never answered / sent or answered more than once, over every burst (warm-ups included) |
| CPU/cmd | server CPU time (user + system) per command (ms): default; lifted |
| RSS | the server's peak resident memory (VmHWM, MB), worst of the two Postgres servers; "flags" names any V8 flag given |
| cold pg | spawn → \`/healthz\` 200 on Postgres (ms, worst of the two starts) |
| cold emb | the same on the embedded database: a new DATA_DIR / the same DATA_DIR again (ms) |
| callbacks | N Kaleyra status callbacks (sent, delivered, read for ceil(N/3) sends, shuffled) at concurrency C: answer p50 / p99 / max; non-2xx answers; attempts whose events, state or times differ from what was sent; chat.update calls for the messages (most for one); how long after the last answer Slack showed every final state |
| bulk | a 1,000-row \`/orderstatus bulk\` job at the default limit (Slack flow: file, checked view, Send), on Postgres and on the embedded database: Send → the last row at Kaleyra (→ the result file in Slack); the most rows Kaleyra got in a sliding second (975 ms window, for arrival jitter); rows sent twice, never sent, not \`sent\` in the result file; ack p50 / p99 / max of one-liners another workspace sent at 10/s meanwhile; how long one-liners from the job's own workspace (same number, same budget) waited to go out during a 300-row job, p50 / p99; the worker's own ceiling (rows/s with the limit lifted) |

Targets: ack p99 ≤ 50 ms at C=50, and never above 1 s while Kaleyra takes 5 s; throughput ≥ 0.5 × baseline;
zero lost, zero duplicate; RSS ≤ 200 MB; cold start ≤ 1.5 s; callbacks p99 < 100 ms, all 2xx, no state error;
bulk: the last of 1,000 rows sent ≤ 13.75 s (1.1 × 1000 / 80) after Send, one-liner acks meanwhile p99 < 100 ms.

| date | machine | N, C (slow N) | ack default | ack lifted | ack slow | ack cold | tput default | tput lifted | baseline | ratio | lost / dup | CPU/cmd | RSS | cold pg | cold emb fresh / existing | callbacks | bulk |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;
