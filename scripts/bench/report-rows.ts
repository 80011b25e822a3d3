import os from 'node:os';
import { type BenchOptions, fmt } from './context.ts';
import type { Results } from './measurements.ts';

/** A finished run: what was asked, the machine's load when it started, what was measured (`--only`: a part). */
export type Report = { options: BenchOptions; load: number; results: Partial<Results> };

/** A line of the printed table: what, the figure, its target. */
export type PrintedRow = [string, string, string];

/** Inserts `cells` as a new last row of the table whose header line starts with `head`. */
export function addRow(text: string, head: string, cells: string[]): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(head));
  if (start < 0) throw new Error(`BENCHMARKS.md has no table starting with ${head}`);
  let end = start;
  while (lines[end + 1]?.startsWith('|')) end++;
  lines.splice(end + 1, 0, `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

/** Appends `section` (a heading, its prose and the table's head) unless a table starting with `head` exists. */
export function withSection(text: string, head: string, section: string): string {
  return text.includes(head) ? text : `${text.trimEnd()}\n\n${section}`;
}

/** The first two cells of every row: when, and on what. */
export function runStamp(report: Report): string[] {
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${fmt(os.totalmem() / 2 ** 30, 1)} GB, Node ${process.version}, load ${fmt(report.load, 2)}`;
  return [new Date().toISOString().replace(/\.\d+Z$/, 'Z'), machine];
}
