import { fmt } from './context.ts';
import type { Cost, FirstHour, ServerStart } from './first-hour.ts';
import { addRow, type PrintedRow, type Report, runStamp, withSection } from './report-rows.ts';

const costText = (c: Cost | undefined) => (c ? `${fmt(c.ms)} ms / ${fmt(c.peakMb)} MB` : 'n/a');
const startText = (s: ServerStart) => `${fmt(s.readyMs)} ms / ${fmt(s.peakMb)} MB / ${fmt(s.heldMb)} MB`;

/** The printed table's first-hour lines. */
export function firstHourRows(h: FirstHour): PrintedRow[] {
  return [
    ['CLI usage mistake: time / peak', costText(h.usageMistake), '< 500 ms'],
    ['CLI first call, new DATA_DIR', costText(h.cliNewFolder), '≤ 2000 ms / ≤ 400 MB'],
    ['CLI call, existing DATA_DIR', costText(h.cliExisting), '≤ 1200 ms / ≤ 250 MB'],
    ['CLI send, existing DATA_DIR', costText(h.cliSend), '≤ 1200 ms / ≤ 250 MB'],
    ['CLI call beside a running server', costText(h.cliBesideServer), '≤ 1200 ms / ≤ 250 MB'],
    ['CLI call on Postgres', costText(h.cliPostgres), '(comparison)'],
    ['server, new DATA_DIR: ready / peak / held 1 s later', startText(h.serverNewFolder), '≤ 2000 ms'],
    ['server, existing DATA_DIR: ready / peak / held', startText(h.serverExistingFolder), ''],
    [
      `npm run demo: time / peak of the process tree${h.demo.ok ? '' : ' (FAILED)'}`,
      costText(h.demo),
      '≤ 6000 ms / ≤ 400 MB',
    ],
  ];
}

/** BENCHMARKS.md with the first-hour table's row added (and its section, the first time). */
export function addFirstHourRow(text: string, report: Report, h: FirstHour): string {
  return addRow(
    withSection(text, FIRST_HOUR_TABLE_HEAD, FIRST_HOUR_SECTION),
    FIRST_HOUR_TABLE_HEAD,
    firstHourCells(report, h),
  );
}

function firstHourCells(report: Report, h: FirstHour): string[] {
  const c = (x: Cost | undefined) => (x ? `${fmt(x.ms)} / ${fmt(x.peakMb)}` : 'n/a');
  const s = (x: ServerStart) => `${fmt(x.readyMs)} / ${fmt(x.peakMb)} / ${fmt(x.heldMb)}`;
  return [
    ...runStamp(report),
    c(h.usageMistake),
    c(h.cliNewFolder),
    c(h.cliExisting),
    c(h.cliSend),
    c(h.cliBesideServer),
    c(h.cliPostgres),
    s(h.serverNewFolder),
    s(h.serverExistingFolder),
    `${c(h.demo)}${h.demo.ok ? '' : ' (failed)'}`,
  ];
}

const FIRST_HOUR_TABLE_HEAD = '| date | machine | usage mistake |';

const FIRST_HOUR_SECTION = `## The first hour (issue #12)

\`npm run bench -- --only firstHour\` (scripts/bench/first-hour.ts). CLI calls are \`node src/cli.ts …\` as
\`npm run orderstatus\` runs them, on the embedded store, each the median of 3; "new" is a DATA_DIR that does
not exist yet. Each cell is wall time (spawn → exit, ms) / peak memory of the whole process tree (MB: the
larger of the highest sum of VmRSS sampled every 10 ms and the highest single VmHWM). Servers are the built
server (as \`npm start\` runs it) on a new and then the same DATA_DIR: spawn → \`/healthz\` 200 (ms) / peak
VmHWM (MB) / VmRSS 1 s after ready (MB, what it holds). The demo is \`npm run -s demo\`, npm included.

Targets: usage mistake < 500 ms; CLI on an existing DATA_DIR ≤ 1200 ms and ≤ 250 MB; first call on a new
one ≤ 2000 ms and ≤ 400 MB; server on a new DATA_DIR ready ≤ 2000 ms without holding initdb's memory; demo ≤ 6000 ms and
≤ 400 MB.

${FIRST_HOUR_TABLE_HEAD} CLI new folder | CLI existing | CLI send | CLI beside server | CLI Postgres | server new: ready / peak / held | server existing | demo |
|---|---|---|---|---|---|---|---|---|---|---|
`;
