import { describe, expect, it } from 'vitest';
import { BULK_DEFAULTS } from '../../src/services/bulk-worker.ts';
import { BULK_CANCEL_ACTION } from '../../src/slack/ids.ts';
import { ISSUES_SHOWN } from '../../src/slack/views/bulk-views.ts';
import { command, outcomeOf, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';
import {
  BULK_CUSTOMER,
  bulkCsv,
  cancelBulk,
  checkedView,
  confirmBulk,
  progressMessage,
  resultRows,
  resultUpload,
  submitBulkFile,
} from '../support/bulk-driver.ts';
import { acceptedAs, KALEYRA_RESPONSES, referenceIdOf } from '../support/fake-kaleyra.ts';
import { ownStorageModes } from '../support/scratch-database.ts';
import { maxInWindow } from '../support/sliding-window.ts';
import { SIGNING_SECRET, uniqueTeamId } from '../support/start-app.ts';

// A Postgres database of its own: every app other test files start runs a bulk worker that would take these jobs.
const stores = await ownStorageModes('bulkapp');
const BULK = { pollMs: 100, editMs: 200 };

describe.each(stores)('/orderstatus bulk on the %s', (_name, storage) => {
  const app = useTestApp(storage, { bulk: BULK });
  const target = () => ({ slack: app.slack, url: app.url, signingSecret: SIGNING_SECRET });
  const run = () => Math.random().toString(36).slice(2, 7).toUpperCase();

  /** Uploads the file, waits for the checked view, presses Send; the job's id. */
  async function startJob(csv: string, options: { description?: string } = {}) {
    const { viewId, ack } = await submitBulkFile(target(), { team: app.team, csv, ...options });
    expect(ack.status).toBe(200);
    const checked = await checkedView(target(), viewId);
    if (!checked.jobId) throw new Error(`no confirmation: ${checked.text}`);
    const sent = await confirmBulk(target(), { team: app.team, jobId: checked.jobId });
    expect(sent.status).toBe(200);
    return { jobId: checked.jobId, checked };
  }

  /** The finished job's message (the summary) and its result file. */
  async function finished(jobId: string, timeoutMs = 30_000) {
    return waitUntil(
      () => {
        const message = progressMessage(app.slack, jobId);
        const upload = message && resultUpload(app.slack, message);
        return message && upload ? { message, upload, rows: resultRows(upload) } : undefined;
      },
      timeoutMs,
      'the job summary and its result file',
    );
  }

  it('checks a 300-row file, lists its bad rows and sends nothing; once correct, sends all 300 once', async () => {
    const prefix = `B${run()}-`;
    // Five bad rows: a number without +, a reference too long, an unknown status, and a repeat of row 2.
    const spoiled = bulkCsv(300, prefix, (i, cells) => {
      if (i === 10) return ['98765', ...cells.slice(1)];
      if (i === 20) return [cells[0] ?? '', 'R'.repeat(36), cells[2] ?? '', ''];
      if (i === 30) return [cells[0] ?? '', cells[1] ?? '', 'lost', ''];
      if (i === 40) return [BULK_CUSTOMER(0), `${prefix}0`, 'processing', 'again'];
      return cells;
    });
    const bad = await submitBulkFile(target(), { team: app.team, csv: spoiled });
    // Answered at once with "checking…" (the file is fetched afterwards).
    expect((bad.ack.json as { response_action?: string }).response_action).toBe('update');
    expect(textOf(bad.ack.json)).toContain('Checking');
    const problems = await checkedView(target(), bad.viewId);
    expect(problems.jobId).toBeUndefined();
    expect(problems.text).toContain('Nothing was sent');
    for (const where of ['Line 12, *phone*', 'Line 22, *reference*', 'Line 32, *status*', 'Line 42']) {
      expect(problems.text).toContain(where);
    }
    expect(problems.text).toContain('The same update as line 2');
    expect(app.kaleyra.requests).toHaveLength(0);

    // One of the updates already went out as a one-liner: the file's row is "already sent" with its message_id.
    app.kaleyra.respondWith(acceptedAs('AEARLIERONELINER01'));
    const earlier = command(app, `${BULK_CUSTOMER(7)} ${prefix}7 shipped`);
    await earlier.post();
    await outcomeOf(app, earlier);
    app.kaleyra.reset();
    const sentAt: number[] = [];
    app.kaleyra.respondWith(() => {
      sentAt.push(Date.now());
      return {
        status: 202,
        body: JSON.stringify({ code: 'WA202', data: { message_id: `M${sentAt.length}` } }),
      };
    });

    const { jobId, checked } = await startJob(bulkCsv(300, prefix), { description: 'On its way' });
    expect(checked.text).toContain('300 updates to 300 distinct customers');
    expect(checked.text).toContain('Processing: 60');
    expect(checked.text).toContain('Shipped: 240');
    expect((checked.view.submit as { text: string }).text).toBe('Send 300 updates');

    // While the job runs, another agent's one-liner gets its turn within a few rows (its fair share).
    await waitUntil(() => app.kaleyra.requests.length >= 50, 10_000, '50 rows sent');
    const oneLiner = command(app, `+919876543210 ${prefix}X shipped`);
    await oneLiner.post();
    const sentBefore = app.kaleyra.requests.length;
    await outcomeOf(app, oneLiner);
    // Counted in rows, not time: ahead of it in the rate limiter's queue were at most the worker's lanes
    // (6 rows; one more in flight each way), never the rest of the file.
    const position = app.kaleyra.requests.findIndex((r) => referenceIdOf(r) === `${prefix}X`);
    expect(position - sentBefore).toBeLessThanOrEqual(2 * BULK_DEFAULTS.concurrency);

    const { message, upload, rows } = await finished(jobId);
    const sentRefs = app.kaleyra.requests.map(referenceIdOf);
    const fromFile = sentRefs.filter((ref) => ref?.startsWith(prefix) && ref !== `${prefix}X`);
    expect(fromFile).toHaveLength(299);
    expect(new Set(fromFile).size).toBe(299);
    expect(fromFile).not.toContain(`${prefix}7`);
    // The rate limit held. These arrivals are noted by the app's own busy event loop, a few ms late at
    // times: a window 25 ms short allows for that (exact-rate-limit.test.ts notes them in a process of
    // its own and checks whole seconds).
    expect(maxInWindow(sentAt, 1000 - 25)).toBeLessThanOrEqual(80);
    // The default description filled the rows that had none.
    expect(JSON.stringify(app.kaleyra.requests[5]?.body)).toContain('On its way');

    expect(textOf(message.blocks)).toContain('Bulk send finished');
    expect(textOf(message.blocks)).toContain('299 / 300 sent · 0 failed · 1 already sent');
    expect(textOf(message.blocks)).not.toContain(BULK_CANCEL_ACTION);
    expect(message.edits).toBeGreaterThanOrEqual(1);

    // The result file: one line per row, in file order, outcome and message_id; never a customer number.
    expect(upload.filename).toBe('orders-results.csv');
    expect(upload.length).toBe(upload.bytes?.length);
    expect(rows).toHaveLength(300);
    expect(rows.map((row) => Number(row.line))).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect(rows[7]).toMatchObject({
      reference: `${prefix}7`,
      outcome: 'already_sent',
      message_id: 'AEARLIERONELINER01',
    });
    expect(rows.filter((row) => row.outcome === 'sent')).toHaveLength(299);
    expect(new Set(rows.map((row) => row.message_id)).size).toBe(300);
    expect(upload.text).not.toMatch(/98765\d{5}/);
    // files.getUploadURLExternal → the bytes to its upload URL → files.completeUploadExternal in the thread.
    const methods = app.slack.calls.map((call) => call.method).filter((m) => m.startsWith('files.'));
    expect(methods.slice(-2)).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(upload).toMatchObject({ channel: 'CORDERS', threadTs: message.ts, completed: true });

    // The journal names each row's job and line, and who started it.
    const journal = await app.server.services.journal.list(app.team, 500);
    const row12 = journal.find((entry) => entry.reference_id === `${prefix}12`);
    expect(row12).toMatchObject({ source: 'bulk', actor: 'UAGENT', channel_id: 'CORDERS', outcome: 'sent' });
  }, 60_000);

  it('Cancel stops what has not been sent, says who canceled, and only from the job’s workspace', async () => {
    const prefix = `C${run()}-`;
    // Slow sends, so the job is still running when Cancel is clicked.
    app.kaleyra.respondWith(() => ({ status: 202, body: KALEYRA_RESPONSES.wa202.body, delayMs: 100 }));
    const { jobId } = await startJob(bulkCsv(400, prefix));
    await waitUntil(() => app.kaleyra.requests.length >= 20, 10_000, '20 rows sent');

    const stranger = await cancelBulk(target(), {
      team: uniqueTeamId(),
      jobId,
      userId: 'USTRANGER',
      responseUrl: app.slack.responseUrl('cancel-stranger'),
    });
    expect(stranger.status).toBe(200);
    const refusal = await app.slack.waitFor((s) =>
      s.responseUrlPosts.find((p) => p.path.endsWith('/cancel-stranger')),
    );
    expect(textOf(refusal.body)).toContain('Only the workspace that started');

    await cancelBulk(target(), {
      team: app.team,
      jobId,
      userId: 'UBOSS',
      responseUrl: app.slack.responseUrl('cancel'),
    });
    const { message, rows } = await finished(jobId);
    const sentThen = app.kaleyra.requests.length;
    expect(textOf(message.blocks)).toContain('Bulk send canceled');
    expect(textOf(message.blocks)).toContain('<@UBOSS>');
    const counts = { sent: 0, canceled: 0, other: 0 };
    for (const row of rows) {
      if (row.outcome === 'sent') counts.sent += 1;
      else if (row.outcome === 'canceled') counts.canceled += 1;
      else counts.other += 1;
    }
    expect(counts.other).toBe(0);
    expect(counts.sent).toBe(sentThen);
    expect(counts.canceled).toBe(400 - sentThen);
    expect(counts.canceled).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.kaleyra.requests).toHaveLength(sentThen);
  }, 60_000);

  it('reports each failed row with its code, and the rest are sent', async () => {
    const prefix = `F${run()}-`;
    app.kaleyra.respondWith((request) =>
      referenceIdOf(request) === `${prefix}3`
        ? KALEYRA_RESPONSES.wa401
        : acceptedAs(`M-${referenceIdOf(request)}`),
    );
    const { jobId } = await startJob(bulkCsv(6, prefix));
    const { message, rows } = await finished(jobId);
    expect(textOf(message.blocks)).toContain('5 / 6 sent · 1 failed · 0 already sent');
    expect(rows[3]).toMatchObject({
      reference: `${prefix}3`,
      outcome: 'failed',
      message_id: '',
      error_code: 'WA401',
    });
    expect(rows[4]).toMatchObject({ outcome: 'sent', message_id: `M-${prefix}4`, error_code: '' });
  });

  it('refuses a file that is not CSV text, too large, or without its columns, before anything is sent', async () => {
    const cases: Array<[string | Buffer, RegExp]> = [
      [Buffer.from([0x70, 0x68, 0xff, 0xfe, 0x0a]), /not UTF-8/],
      [`phone,reference,status\n${'\n'.repeat(1024 * 1024)}`, /larger than 1 MiB/],
      ['phone,status\n+919876543210,shipped\n', /no reference column/],
    ];
    for (const [csv, problem] of cases) {
      const { viewId } = await submitBulkFile(target(), { team: app.team, csv: csv as string });
      const checked = await checkedView(target(), viewId);
      expect(checked.text).toMatch(problem);
      expect(checked.jobId).toBeUndefined();
    }
    expect(app.kaleyra.requests).toHaveLength(0);
  });

  it('lists the first 20 bad rows and counts the rest', async () => {
    const { viewId } = await submitBulkFile(target(), {
      team: app.team,
      csv: bulkCsv(50, 'L', (_i, cells) => ['123', ...cells.slice(1)]),
    });
    const checked = await checkedView(target(), viewId);
    expect(checked.text).toContain('50 problems in 50 rows');
    expect((checked.text.match(/Line \d+, \*phone\*/g) ?? []).length).toBe(ISSUES_SHOWN);
    expect(checked.text).toContain('30 more problems not shown');
  });

  it('posts the progress in the agent’s DM where it cannot post in the channel, and waits out a 429', async () => {
    const prefix = `D${run()}-`;
    app.slack.refuseChannel('CORDERS', 'not_in_channel');
    // The first edit is refused with 429 Retry-After: 1; the edits after it succeed.
    let limited = 0;
    app.slack.setResponse(
      'chat.update',
      () => {
        limited += 1;
        app.slack.restoreResponse('chat.update');
        return { ok: false, error: 'ratelimited' };
      },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    try {
      const { jobId } = await startJob(bulkCsv(20, prefix));
      const posted = await app.slack.waitFor((s) =>
        s
          .callsTo('chat.postMessage')
          .find((c) => JSON.stringify(c.body.blocks ?? '').includes(jobId) && c.body.channel === 'UAGENT'),
      );
      expect(posted.body.channel).toBe('UAGENT');
      const uploaded = await app.slack.waitFor(
        (s) => s.uploads.find((u) => u.completed && u.channel === 'DUAGENT'),
        15_000,
      );
      expect(resultRows(uploaded)).toHaveLength(20);
      expect(limited).toBe(1);
      // The edit Slack refused with 429 was made again, once the second it asked for had passed.
      const updates = app.slack.callsTo('chat.update').filter((c) => c.body.channel === 'DUAGENT');
      expect(updates.length).toBeGreaterThanOrEqual(2);
      expect((updates[1]?.at ?? 0) - (updates[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
      const shown = app.slack.messageAt('DUAGENT', String((posted.response as { ts?: string }).ts));
      expect(JSON.stringify(shown?.blocks)).toContain('20 / 20 sent');
    } finally {
      app.slack.refuseChannel('CORDERS', undefined);
      app.slack.restoreResponse('chat.update');
    }
  });

  it('sends the bot token only to Slack’s own file host', async () => {
    app.slack.setResponse('files.info', (call) => ({
      ok: true,
      file: {
        id: call.body.file,
        name: 'x.csv',
        size: 10,
        url_private_download: 'https://evil.example/x.csv',
      },
    }));
    try {
      const { viewId } = await submitBulkFile(target(), { team: app.team, csv: bulkCsv(2, 'E') });
      const checked = await checkedView(target(), viewId);
      expect(checked.text).toContain('Nothing was sent');
      expect(checked.jobId).toBeUndefined();
    } finally {
      app.slack.restoreResponse('files.info');
    }
  });
});
