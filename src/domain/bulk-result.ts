import { stringify } from 'csv-stringify/sync';

/** How one row of a bulk send ended. */
export const BULK_OUTCOMES = ['sent', 'already_sent', 'failed', 'unknown', 'canceled'] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

/** One line of a bulk send's result file: the row, how it ended, its message_id or error code. */
export type BulkResultLine = {
  /** The row's line in the uploaded file (1 is the header). */
  line: number;
  /** Empty when the stored row can no longer be read. */
  reference: string;
  status: string;
  outcome: BulkOutcome | 'pending';
  messageId: string | null;
  code: string | null;
};

export const RESULT_COLUMNS = ['line', 'reference', 'status', 'outcome', 'message_id', 'error_code'] as const;

/**
 * The result file: one line per row in file order, with the line, reference and status to find the
 * row in the agent's own file. No customer number at all, not even masked: the file is shared in a
 * channel and lives on in downloads.
 */
export function buildResultCsv(lines: readonly BulkResultLine[]): string {
  return stringify(
    lines.map((row) => [
      row.line,
      row.reference,
      row.status,
      row.outcome,
      row.messageId ?? '',
      row.code ?? '',
    ]),
    { header: true, columns: [...RESULT_COLUMNS] },
  );
}

/** A dry run's listing: what each row would send, the customer masked. */
export function buildPlanCsv(
  rows: ReadonlyArray<{
    line: number;
    customer: string;
    reference: string;
    status: string;
    description: string;
  }>,
): string {
  return stringify(
    rows.map((row) => [row.line, row.customer, row.reference, row.status, row.description]),
    { header: true, columns: ['line', 'customer', 'reference', 'status', 'description'] },
  );
}
