import { describe, expect, it } from 'vitest';
import { BULK_LIMITS, readBulkCsv } from '../../src/domain/bulk-csv.ts';

const HEADER = 'phone,reference,status,description';
const row = (i: number, status = 'shipped') =>
  `+9198765${String(43210 + i).padStart(5, '0')},R${i},${status},`;

describe('readBulkCsv', () => {
  it('reads columns by header name, with a BOM, semicolons and quoted fields', () => {
    const text =
      '\uFEFFStatus;Order;To;Note\nshipped;395001;+919876543210;"Left; today"\nCancelled;395002;+919876543211;\n';
    const plan = readBulkCsv(text);
    expect(plan).toEqual({
      ok: true,
      rows: [
        {
          line: 2,
          request: {
            to: '+919876543210',
            referenceId: '395001',
            status: 'shipped',
            description: 'Left; today',
          },
        },
        { line: 3, request: { to: '+919876543211', referenceId: '395002', status: 'canceled' } },
      ],
      customers: 2,
      byStatus: { processing: 0, partially_shipped: 0, shipped: 1, completed: 0, canceled: 1 },
    });
  });

  it('fills a blank description with the default one', () => {
    const plan = readBulkCsv(`${HEADER}\n+919876543210,1,shipped,\n+919876543210,2,shipped,Own words\n`, {
      defaultDescription: 'On its way',
    });
    expect(plan.ok && plan.rows.map((r) => r.request.description)).toEqual(['On its way', 'Own words']);
    expect(plan.ok && plan.customers).toBe(1);
  });

  it('lists every bad cell with its line and column, and sends nothing', () => {
    const text = `${HEADER}\n${row(1)}\n98765,R2,shipped,\n+919876543213,${'R'.repeat(36)},lost,\n${row(4)}\n`;
    const plan = readBulkCsv(text);
    expect(plan).toEqual({
      ok: false,
      issues: [
        { line: 3, column: 'phone', message: expect.stringContaining('+') },
        { line: 4, column: 'reference', message: expect.stringContaining('35') },
        { line: 4, column: 'status', message: expect.stringContaining('Choose one of') },
      ],
    });
  });

  it('reports rows that repeat an earlier row’s update, by their line', () => {
    const plan = readBulkCsv(`${HEADER}\n${row(1)}\n${row(2)}\n+91 98765 43211,R1,Shipped,other words\n`);
    expect(plan).toEqual({
      ok: false,
      issues: [{ line: 4, column: '*', message: 'The same update as line 2.' }],
    });
  });

  it('counts lines as the file has them, blank lines and quoted line breaks included', () => {
    const plan = readBulkCsv(
      `${HEADER}\n\n${row(1)}\n+919876543212,R2,shipped,"two\nlines"\nbad,R3,shipped,\n`,
    );
    // The quoted field starts on line 4 (and is refused: a description is one line); `bad` is line 6.
    expect(plan.ok === false && plan.issues.map((i) => [i.line, i.column])).toEqual([
      [4, 'description'],
      [6, 'phone'],
    ]);
  });

  it.each([
    ['no required column', 'phone,status\n+919876543210,shipped\n', /reference/],
    ['an empty file', '', /empty/],
    ['a header alone', `${HEADER}\n`, /no rows/],
    ['an unclosed quote', `${HEADER}\n+919876543210,"R1,shipped,\n`, /quotes/],
  ])('refuses %s as a whole', (_label, text, problem) => {
    const plan = readBulkCsv(text);
    expect(plan.ok).toBe(false);
    expect(plan.ok === false && plan.fileProblem).toMatch(problem);
  });

  it('takes 5,000 rows and refuses 5,001', () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => `+919876543210,R${i},shipped,`).join('\n');
    const atLimit = readBulkCsv(`${HEADER}\n${rows(BULK_LIMITS.rows)}\n`);
    expect(atLimit.ok && atLimit.rows).toHaveLength(5_000);
    const over = readBulkCsv(`${HEADER}\n${rows(BULK_LIMITS.rows + 1)}\n`);
    expect(over.ok === false && over.fileProblem).toMatch(/5000 rows/);
  });

  it('takes 1 MiB and refuses a byte more', () => {
    const body = `${HEADER}\n${row(1)}\n`;
    // Blank lines are skipped, so they pad the file without adding rows.
    const pad = (size: number) => `${body}${'\n'.repeat(size - Buffer.byteLength(body))}`;
    expect(readBulkCsv(pad(BULK_LIMITS.bytes)).ok).toBe(true);
    expect(readBulkCsv(pad(BULK_LIMITS.bytes + 1))).toMatchObject({ ok: false, fileProblem: /1 MiB/ });
  });
});
