import { fmt, WARM_UP_N } from './context.ts';
import { INCOMING_C, INCOMING_N, type IncomingResults } from './incoming.ts';
import { addRow, type PrintedRow, type Report, runStamp, withSection } from './report-rows.ts';

/** Issue #20's targets for the burst of customers' messages. */
export const INCOMING_TARGETS = { p99Ms: 100 } as const;

export function incomingRows(r: IncomingResults): PrintedRow[] {
  return [
    [
      `customers' messages (N=${r.messages}, C=${INCOMING_C}): answer p50 / p99 / max`,
      `${fmt(r.ack.p50, 1)} / ${fmt(r.ack.p99, 1)} / ${fmt(r.ack.max, 1)} ms`,
      `p99 ≤ ${INCOMING_TARGETS.p99Ms} ms`,
    ],
    [
      `  the first ${WARM_UP_N} after the start: p50 / p99 / max`,
      `${fmt(r.cold.p50, 1)} / ${fmt(r.cold.p99, 1)} / ${fmt(r.cold.max, 1)} ms`,
      '',
    ],
    ['  non-2xx answers; record errors', `${r.ack.failed}; ${r.recordErrors}`, '0; 0'],
    [
      '  shown in Slack: posts/s; settled after the last answer',
      `${fmt(r.postsPerSecond, 1)}; ${fmt(r.settleMs)} ms`,
      '',
    ],
    ['  not shown / shown twice', `${r.notPosted} / ${r.postedTwice}`, '0 / 0'],
  ];
}

/** BENCHMARKS.md with the incoming table's row added (and its section, the first time). */
export function addIncomingRow(text: string, report: Report, r: IncomingResults): string {
  const cells = [
    ...runStamp(report),
    `${r.messages}, ${INCOMING_C}`,
    `${fmt(r.ack.p50, 1)} / ${fmt(r.ack.p99, 1)} / ${fmt(r.ack.max, 1)}`,
    `${fmt(r.cold.p50, 1)} / ${fmt(r.cold.p99, 1)} / ${fmt(r.cold.max, 1)}`,
    `${r.ack.failed} / ${r.recordErrors}`,
    fmt(r.postsPerSecond, 1),
    fmt(r.settleMs),
    `${r.notPosted} / ${r.postedTwice}`,
  ];
  return addRow(withSection(text, INCOMING_TABLE_HEAD, INCOMING_SECTION), INCOMING_TABLE_HEAD, cells);
}

const INCOMING_TABLE_HEAD = '| date | machine | N, C |';

const INCOMING_SECTION = `## Customers' messages (issue #20)

\`npm run bench -- --only incoming\` (scripts/bench/incoming.ts): the server (limit lifted, Postgres) sends 30
one-liners to 30 customers, then receives ${INCOMING_N} customers' WhatsApp messages from them (the shared
document's POST payload, the workspace's Basic credentials) at concurrency ${INCOMING_C}, each with its own
WhatsApp id; every one is matched to its customer's order and shown in that order's thread.

| column | meaning |
|---|---|
| date, machine | as in the first table |
| N, C | messages, in flight at once |
| answer | the callback's answer latency p50 / p99 / max (ms), measured by the bench's client, after ${WARM_UP_N} uncounted messages |
| cold | the same for those first ${WARM_UP_N} messages the server received after its start |
| failed / record errors | non-2xx answers / messages not recorded exactly once |
| posts/s | messages shown in Slack (a chat.postMessage in the order's thread) per second, from the first callback to the last post |
| settled | from the last answer to the last message shown (ms) |
| not shown / twice | messages Slack never showed / showed more than once |

Target: answer p99 ≤ ${INCOMING_TARGETS.p99Ms} ms; no failure, none lost, none shown twice.

${INCOMING_TABLE_HEAD} answer | cold | failed / record errors | posts/s | settled | not shown / twice |
|---|---|---|---|---|---|---|---|---|
`;
