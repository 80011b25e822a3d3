import { describe, expect, it } from 'vitest';
import { parseSlashCommand } from '../../src/domain/parse-command.ts';
import { resultFileName } from '../../src/slack/bulk/bulk-reporter.ts';
import {
  BULK_CANCEL_ACTION,
  BULK_CONFIRM_CALLBACK,
  BULK_FIELDS,
  readBulkModalValues,
} from '../../src/slack/ids.ts';
import { buildBulkProgressMessage, describeBulkCounts } from '../../src/slack/messages/bulk-progress.ts';
import {
  buildBulkConfirmView,
  buildBulkModal,
  buildBulkProblemsView,
  ISSUES_SHOWN,
  readBulkModalMetadata,
} from '../../src/slack/views/bulk-views.ts';
import type { BulkCounts } from '../../src/storage/bulk-jobs.ts';

const counts = (over: Partial<BulkCounts>): BulkCounts => ({
  pending: 0,
  sent: 0,
  already_sent: 0,
  failed: 0,
  unknown: 0,
  canceled: 0,
  ...over,
});
const job = {
  id: 'job-1',
  state: 'queued' as const,
  total: 300,
  createdBy: 'UAGENT',
  fileName: 'orders.csv',
  canceledBy: undefined,
};

describe('bulk views and messages', () => {
  it('reads `/orderstatus bulk` (any case) as the bulk command', () => {
    expect(parseSlashCommand('bulk')).toEqual({ kind: 'bulk' });
    expect(parseSlashCommand(' BULK ')).toEqual({ kind: 'bulk' });
  });

  it('asks for one CSV file and an optional description, and reads back what was submitted', () => {
    const modal = buildBulkModal({ channelId: 'C1' });
    const file = modal.blocks.find((block) => block.block_id === BULK_FIELDS.file.blockId);
    expect(file).toMatchObject({ element: { type: 'file_input', filetypes: ['csv'], max_files: 1 } });
    expect(readBulkModalMetadata(modal.private_metadata)).toEqual({ channelId: 'C1' });
    const state = {
      values: {
        [BULK_FIELDS.file.blockId]: { [BULK_FIELDS.file.actionId]: { files: [{ id: 'F1', name: 'a.csv' }] } },
        [BULK_FIELDS.description.blockId]: { [BULK_FIELDS.description.actionId]: { value: ' On its way ' } },
      },
    };
    expect(readBulkModalValues({ state })).toEqual({
      file: { id: 'F1', name: 'a.csv' },
      description: ' On its way ',
    });
    expect(readBulkModalValues({ state: { values: { __proto__: { x: 1 } } } })).toEqual({});
  });

  it('lists the first 20 bad rows with line and column, escapes what the file said, and counts the rest', () => {
    const issues = Array.from({ length: 23 }, (_, i) => ({
      line: i + 2,
      column: i === 0 ? '*' : 'phone',
      message: i === 1 ? '<!channel> bad' : 'Start with +',
    }));
    const view = buildBulkProblemsView({ fileName: 'o.csv', issues });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('23 problems in 23 rows');
    expect(view.blocks).toHaveLength(1 + ISSUES_SHOWN + 1);
    expect(text).toContain('Line 2: ');
    expect(text).toContain('Line 3, *phone*: &lt;!channel&gt; bad');
    expect(text).toContain('3 more problems not shown');
    expect(view.submit).toBeUndefined();
  });

  it('confirms the number of updates, distinct customers and statuses, with Send as its submit', () => {
    const view = buildBulkConfirmView({
      jobId: 'job-1',
      fileName: 'orders.csv',
      total: 1,
      customers: 1,
      byStatus: { processing: 0, partially_shipped: 0, shipped: 1, completed: 0, canceled: 0 },
      channelId: 'C1',
    });
    expect(view.callback_id).toBe(BULK_CONFIRM_CALLBACK);
    expect(view.submit?.text).toBe('Send 1 update');
    expect(readBulkModalMetadata(view.private_metadata)).toEqual({ jobId: 'job-1' });
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('1 update to 1 distinct customer');
    expect(text).toContain('Shipped: 1');
    expect(text).not.toContain('Processing');
  });

  it('shows progress with Cancel while the job runs, and the summary without it once settled', () => {
    const running = buildBulkProgressMessage({
      job,
      counts: counts({ pending: 177, sent: 120, failed: 2, already_sent: 1 }),
    });
    expect(running.text).toContain('120 / 300 sent · 2 failed · 1 already sent');
    expect(JSON.stringify(running.blocks)).toContain(BULK_CANCEL_ACTION);
    const done = buildBulkProgressMessage({
      job: { ...job, state: 'done' },
      counts: counts({ sent: 296, failed: 2, already_sent: 1, unknown: 1 }),
    });
    expect(done.text).toContain('Bulk send finished');
    expect(done.text).toContain('296 / 300 sent · 2 failed · 1 already sent · 1 unknown');
    expect(JSON.stringify(done.blocks)).not.toContain(BULK_CANCEL_ACTION);
    expect(JSON.stringify(done.blocks)).toContain('may or may not have reached');
    const canceled = buildBulkProgressMessage({
      job: { ...job, state: 'canceled', canceledBy: 'UBOSS' },
      counts: counts({ sent: 120, canceled: 180 }),
    });
    expect(canceled.text).toContain('Bulk send canceled* by <@UBOSS>');
    expect(JSON.stringify(canceled.blocks)).not.toContain(BULK_CANCEL_ACTION);
    expect(describeBulkCounts(300, counts({ sent: 120, canceled: 180 }))).toBe(
      '120 / 300 sent · 0 failed · 0 already sent · 180 canceled',
    );
  });

  it('names the result file after the upload, safely', () => {
    expect(resultFileName({ id: 'abcdef12-x', fileName: 'orders.csv' })).toBe('orders-results.csv');
    expect(resultFileName({ id: 'abcdef12-x', fileName: '../../etc/pass wd.CSV' })).toBe(
      'etc-pass-wd-results.csv',
    );
    expect(resultFileName({ id: 'abcdef12-x', fileName: undefined })).toBe('bulk-abcdef12-results.csv');
  });
});
