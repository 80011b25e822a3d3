import { parse } from 'csv-parse/sync';
import * as v from 'valibot';
import {
  DescriptionSchema,
  ORDER_STATUSES,
  type OrderStatus,
  type OrderStatusField,
  type OrderStatusRequest,
  validateOrderStatus,
} from './order-status.ts';

export const BULK_LIMITS = { rows: 5_000, bytes: 1024 * 1024 } as const;

/** What is wrong with a whole file before its rows are read; every edge says it in these words. */
export const BULK_FILE_PROBLEMS = {
  tooLarge: 'The file is larger than 1 MiB; split it into smaller files.',
  notUtf8: 'The file is not UTF-8 text: save it as “CSV UTF-8” and try again.',
} as const;

/** One valid update of the file, with the line it came from (1 is the header). */
export type BulkRow = { line: number; request: OrderStatusRequest };
/** What is wrong with one cell (or, with column `*`, a whole line). */
export type BulkIssue = { line: number; column: string; message: string };

export type BulkPlan =
  | {
      ok: true;
      rows: BulkRow[];
      /** How many different customers the rows go to. */
      customers: number;
      byStatus: Record<OrderStatus, number>;
    }
  /** Nothing may be sent: a problem with the whole file, or the bad rows. */
  | { ok: false; fileProblem?: string; issues: BulkIssue[] };

type Column = 'to' | 'referenceId' | 'status' | 'description';

/**
 * The default description for rows that have none, checked once (not once per row): the trimmed text
 * (undefined when blank), or what is wrong with it.
 */
export function readDefaultDescription(
  text: string | undefined,
): { ok: true; value: string | undefined } | { ok: false; issue: string } {
  if (text === undefined) return { ok: true, value: undefined };
  const result = v.safeParse(DescriptionSchema, text);
  return result.success ? { ok: true, value: result.output } : { ok: false, issue: result.issues[0].message };
}

/** Header names each column is known by (lower case, spaces and dashes as underscores). */
const HEADERS: Record<Column, readonly string[]> = {
  to: ['phone', 'to', 'phone_number', 'customer_number', 'number', 'whatsapp'],
  referenceId: ['reference', 'reference_id', 'ref', 'order', 'order_reference', 'order_id'],
  status: ['status', 'order_status'],
  description: ['description', 'note', 'message'],
};
const REQUIRED: readonly Column[] = ['to', 'referenceId', 'status'];

/**
 * Reads a bulk CSV (UTF-8 with or without BOM; comma or semicolon; quoted fields; columns by header
 * name) and validates every row before anything may be sent: either every row is a valid update, or
 * the list of what is wrong. Rows repeating an earlier row's update (same customer, order and status)
 * are reported too. A blank description takes `defaultDescription`.
 */
export function readBulkCsv(
  text: string,
  options: { defaultDescription?: string | undefined } = {},
): BulkPlan {
  if (Buffer.byteLength(text, 'utf8') > BULK_LIMITS.bytes) {
    return {
      ok: false,
      fileProblem: BULK_FILE_PROBLEMS.tooLarge,
      issues: [],
    };
  }
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      bom: true,
      delimiter: [',', ';'],
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      to: BULK_LIMITS.rows + 2,
    }) as unknown as ParsedRecord[]; // csv-parse's overloads do not type `info: true`
  } catch (error) {
    const line = (error as { lines?: unknown }).lines;
    const where = typeof line === 'number' ? ` near line ${line}` : '';
    return { ok: false, fileProblem: `The file is not readable CSV${where}: check its quotes.`, issues: [] };
  }
  const [header, ...rows] = records;
  if (!header) return { ok: false, fileProblem: 'The file is empty.', issues: [] };
  const columns = readHeader(header.record);
  if (typeof columns === 'string') return { ok: false, fileProblem: columns, issues: [] };
  if (rows.length === 0) return { ok: false, fileProblem: 'The file has a header but no rows.', issues: [] };
  if (rows.length > BULK_LIMITS.rows) {
    return {
      ok: false,
      fileProblem: `The file has more than ${BULK_LIMITS.rows} rows; split it.`,
      issues: [],
    };
  }
  return validateRows(rows, columns, options.defaultDescription);
}

/** A record with csv-parse's `info`: the line it ends on, and how many blank lines were skipped so far. */
type ParsedRecord = { record: string[]; info: { lines: number; empty_lines: number } };

type ColumnPlaces = { index: Record<Column, number | undefined>; names: Record<Column, string> };

function readHeader(cells: readonly string[]): ColumnPlaces | string {
  const normalised = cells.map((cell) =>
    cell
      .trim()
      .toLowerCase()
      .replace(/[\s-]+/g, '_'),
  );
  const index = {} as Record<Column, number | undefined>;
  const names = {} as Record<Column, string>;
  for (const column of Object.keys(HEADERS) as Column[]) {
    const at = normalised.findIndex((name) => HEADERS[column].includes(name));
    index[column] = at === -1 ? undefined : at;
    names[column] = at === -1 ? (HEADERS[column][0] ?? column) : (cells[at]?.trim() ?? column);
  }
  const missing = REQUIRED.filter((column) => index[column] === undefined).map((c) => HEADERS[c][0]);
  if (missing.length > 0) {
    return `The header row has no ${missing.join(', ')} column (the first line must name the columns: phone, reference, status, description).`;
  }
  return { index, names };
}

function validateRows(
  rows: readonly ParsedRecord[],
  columns: ColumnPlaces,
  defaultDescription: string | undefined,
): BulkPlan {
  const issues: BulkIssue[] = [];
  const valid: BulkRow[] = [];
  const firstLineOf = new Map<string, number>();
  const startLines = startLinesOf(rows);
  for (const [i, { record }] of rows.entries()) {
    const line = startLines[i] ?? 0;
    const cell = (column: Column) => {
      const at = columns.index[column];
      return at === undefined ? undefined : (record[at] ?? '').trim();
    };
    const description = cell('description') || defaultDescription;
    const result = validateOrderStatus({
      to: cell('to') ?? '',
      referenceId: cell('referenceId') ?? '',
      status: cell('status') ?? '',
      ...(description ? { description } : {}),
    });
    if (!result.ok) {
      for (const [field, message] of Object.entries(result.issues)) {
        const column = columns.names[field as Extract<OrderStatusField, Column>] ?? field;
        issues.push({ line, column, message });
      }
      continue;
    }
    const key = [result.value.to, result.value.referenceId, result.value.status].join('\n');
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      issues.push({ line, column: '*', message: `The same update as line ${earlier}.` });
      continue;
    }
    firstLineOf.set(key, line);
    valid.push({ line, request: result.value });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    rows: valid,
    customers: new Set(valid.map((r) => r.request.to)).size,
    byStatus: countByStatus(valid),
  };
}

/**
 * The line each record starts on, as the agent sees it in an editor: csv-parse reports where a record
 * ends (a quoted field may span lines) and how many blank lines it skipped.
 */
function startLinesOf(rows: readonly ParsedRecord[]): number[] {
  // The header is one line; rows are read after it.
  let previous = { lines: 1, empty_lines: 0 };
  return rows.map(({ info }) => {
    const start = previous.lines + 1 + (info.empty_lines - previous.empty_lines);
    previous = info;
    return start;
  });
}

function countByStatus(rows: readonly BulkRow[]): Record<OrderStatus, number> {
  const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<
    OrderStatus,
    number
  >;
  for (const row of rows) counts[row.request.status] += 1;
  return counts;
}
