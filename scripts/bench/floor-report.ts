import { fmt } from './context.ts';
import { burstErrors, FLOOR_ROUNDS, type FloorBurst, type FloorResults } from './floor.ts';
import { addRow, type PrintedRow, type Report, runStamp, withSection } from './report-rows.ts';

/** Issue #15's targets, app ÷ floor, on this 2-core machine with the limit lifted on Postgres. */
export const FLOOR_TARGETS = { throughput: 0.9, cpuPerCommand: 1.3, ackP99: 2, rssMb: 200 } as const;

type Pick = (b: FloorBurst) => number;
const throughput: Pick = (b) => b.throughput;
const cpu: Pick = (b) => b.cpuPerCommand;
const p50: Pick = (b) => b.ack.p50;
const p99: Pick = (b) => b.ack.p99;

/** Per round: "app, app, app; floor, floor, floor". */
function sides(f: FloorResults, pick: Pick, digits: number): string {
  const side = (which: 'app' | 'floor') => f.rounds.map((r) => fmt(pick(r[which]), digits)).join(', ');
  return `${side('app')}; ${side('floor')}`;
}

/** Errors over every burst of each server, warm-ups included. */
const errors = (f: FloorResults, which: 'app' | 'floor') =>
  f.rounds.reduce((total, r) => total + burstErrors(r[which]), f.warmUpErrors[which]);

/**
 * Per-round ratios app ÷ floor, their range, and whether their median meets the target ("≥" or "≤"):
 * a ratio of two short bursts on a shared machine swings by a third from round to round, so the worst
 * round says more about the machine than the code; the range is printed beside it.
 * Not worked out when a floor burst lost, doubled or mis-journalled anything: it would flatter the app.
 */
export function ratioText(f: FloorResults, pick: Pick, target: number, sense: '≥' | '≤'): string {
  const floorErrors = errors(f, 'floor');
  if (floorErrors > 0) return `n/a (the floor's bursts had ${floorErrors} errors)`;
  const ratios = f.rounds.map((r) => pick(r.app) / pick(r.floor));
  const sorted = [...ratios].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const met = sense === '≥' ? median >= target : median <= target;
  return `${ratios.map((r) => fmt(r, 2)).join(', ')} (median ${fmt(median, 2)}, ${fmt(sorted[0] ?? Number.NaN, 2)}–${fmt(sorted.at(-1) ?? Number.NaN, 2)}; ${sense} ${target} ${met ? 'met' : 'missed'})`;
}

const rssText = (f: FloorResults) => `${fmt(f.appRssMb, 1)} / ${fmt(f.floorRssMb, 1)}`;
const flagsText = (report: Report) =>
  [...report.options.nodeArgs, ...(report.options.cpuProfDir ? ['--cpu-prof'] : [])].join(' ') || 'none';

/** The printed table's floor lines. */
export function floorRows(f: FloorResults): PrintedRow[] {
  const t = FLOOR_TARGETS;
  return [
    [
      `floor: ${FLOOR_ROUNDS} rounds of ${f.n} at C=${f.c}: throughput app; floor`,
      `${sides(f, throughput, 1)} cmd/s`,
      '',
    ],
    ['  throughput app ÷ floor', ratioText(f, throughput, t.throughput, '≥'), `≥ ${t.throughput}`],
    ['  CPU per command app; floor', `${sides(f, cpu, 2)} ms`, ''],
    ['  CPU per command app ÷ floor', ratioText(f, cpu, t.cpuPerCommand, '≤'), `≤ ${t.cpuPerCommand}`],
    ['  ack p99 app; floor', `${sides(f, p99, 1)} ms`, ''],
    ['  ack p99 app ÷ floor', ratioText(f, p99, t.ackP99, '≤'), `≤ ${t.ackP99}`],
    ['  peak RSS app / floor', `${rssText(f)} MB`, `app ≤ ${t.rssMb} MB`],
    [
      '  errors app / floor (lost, dup, failed acks, journal)',
      `${errors(f, 'app')} / ${errors(f, 'floor')}`,
      '0 / 0',
    ],
  ];
}

/** The floor table's cells of one run. */
export function floorCells(report: Report, f: FloorResults): string[] {
  const t = FLOOR_TARGETS;
  return [
    ...runStamp(report),
    `${f.n}, ${f.c} × ${f.rounds.length}`,
    sides(f, throughput, 1),
    ratioText(f, throughput, t.throughput, '≥'),
    sides(f, cpu, 2),
    ratioText(f, cpu, t.cpuPerCommand, '≤'),
    sides(f, p50, 1),
    sides(f, p99, 1),
    ratioText(f, p99, t.ackP99, '≤'),
    `${rssText(f)}${f.appRssMb <= t.rssMb ? '' : ' (app over target)'}`,
    `${errors(f, 'app')} / ${errors(f, 'floor')}`,
    flagsText(report),
  ];
}

/** BENCHMARKS.md with the floor table's row added (and its section, the first time). */
export function addFloorRow(text: string, report: Report, f: FloorResults): string {
  return addRow(withSection(text, FLOOR_TABLE_HEAD, FLOOR_SECTION), FLOOR_TABLE_HEAD, floorCells(report, f));
}

const FLOOR_TABLE_HEAD = '| date | machine | N, C × rounds |';

const FLOOR_SECTION = `## The floor (issue #15)

\`npm run bench -- --only floor\` (scripts/bench/floor.ts; \`--floor-n\`, \`--floor-c\`, default 400 at 40). The
floor (scripts/bench/floor-server.ts) is a framework-free server doing only the unavoidable work per command:
verify the Slack signature, ack, one statement that claims the update and journals the attempt, POST to
Kaleyra, one statement that records the outcome, POST to the response_url. The bench starts it and the
app (built as \`npm start\` builds it, KALEYRA_RATE_LIMIT=100000, Postgres) with its own node (the same
binary, the same flags), against the same fakes and database; warms each up with 100 commands, then runs
five rounds of one app burst and one floor burst (who goes first alternates), so other work on the machine
hits both alike; each measured burst comes right after 100 uncounted commands on the same server (a server
just out of a second's idleness spent up to 1.6 × the CPU per command of a busy one). A burst
counts only if every command was acked, sent to Kaleyra once, answered once (the app in the channel, the
floor at the response_url) and journalled \`sent\` in the database; ratios are not worked out otherwise.

| column | meaning |
|---|---|
| date, machine | as in the first table |
| N, C × rounds | commands per burst, in flight at once, rounds |
| tput | commands/s (first command → last outcome) per round: app's; floor's |
| tput ratio | app ÷ floor per round (their median and min–max; the target judged by the median: one short burst's ratio swings by a third on this shared machine) |
| CPU/cmd | CPU time (user + system) of the server process per command (ms), per round: app; floor |
| CPU ratio | app ÷ floor per round, as tput ratio |
| ack p50, ack p99 | ack latency (ms) per round: app; floor |
| p99 ratio | app ÷ floor per round, as tput ratio |
| RSS | peak resident memory (VmHWM, MB) over the whole run: app / floor |
| errors | lost, duplicate, failed-ack and journal errors over every burst, warm-ups included: app / floor |
| flags | node flags both servers ran with (\`--cpu-prof\`: profiled, so slower) |

Targets (this 2-core machine, limit lifted, Postgres): throughput ≥ ${FLOOR_TARGETS.throughput} × the floor; CPU per
command ≤ ${FLOOR_TARGETS.cpuPerCommand} × the floor; ack p99 ≤ ${FLOOR_TARGETS.ackP99} × the floor's; the app's RSS ≤ ${FLOOR_TARGETS.rssMb} MB.

${FLOOR_TABLE_HEAD} tput | tput ratio | CPU/cmd | CPU ratio | ack p50 | ack p99 | p99 ratio | RSS | errors | flags |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;
