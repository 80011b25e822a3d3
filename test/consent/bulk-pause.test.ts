import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { command, outcomeOf, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';
import {
  bulkCsv,
  checkedView,
  confirmBulk,
  jobResultRows,
  progressMessage,
  submitBulkFile,
} from '../support/bulk-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import { CUSTOMER, cliEnvOf, qualityEvent, templateEvent } from '../support/consent-driver.ts';
import { referenceIdOf } from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { useScratchDatabase } from '../support/scratch-database.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

// Its own database: only this app's worker may take these jobs, and the CLI runs beside it on it.
const scratch = await useScratchDatabase('bulkpause');

// Ten sends a second: a 60-row job runs for about six seconds, long enough for an event to land mid-run.
const RATE = '10';
/** The promise: nothing goes to Kaleyra later than this after Meta's event was received. */
const STOP_WITHIN_MS = 2_000;

describe.skipIf(!scratch)('Meta’s template pauses and quality flags stop bulk sends', () => {
  const t = useTestApp(scratch ? { kind: 'postgres', url: scratch.url } : undefined, {
    env: { KALEYRA_RATE_LIMIT: RATE },
    bulk: { pollMs: 100, editMs: 200 },
  });
  const target = () => ({ slack: t.slack, url: t.url, signingSecret: SIGNING_SECRET });
  let login: Login;
  let prefix: string;
  let postedAt: Map<string, number>;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    prefix = `P${Math.random().toString(36).slice(2, 6).toUpperCase()}-`;
    postedAt = new Map();
    t.kaleyra.respondWith((request) => {
      const ref = referenceIdOf(request);
      if (ref) postedAt.set(ref, Date.now());
      return { status: 202, body: JSON.stringify({ code: 'WA202', data: { message_id: `M-${ref}` } }) };
    });
  });

  /** Rows POSTed more than STOP_WITHIN_MS after `eventAt` (rows already waiting for their rate slot may go just after it). */
  const after = (eventAt: number) => ({
    late: [...postedAt.values()].filter((at) => at > eventAt + STOP_WITHIN_MS).length,
  });

  async function startSlackJob(rows: number) {
    const { viewId } = await submitBulkFile(target(), { team: t.team, csv: bulkCsv(rows, prefix) });
    const checked = await checkedView(target(), viewId);
    if (!checked.jobId) throw new Error(`no confirmation: ${checked.text}`);
    const confirmed = await confirmBulk(target(), { team: t.team, jobId: checked.jobId });
    return { jobId: checked.jobId, confirmed };
  }

  const progressText = (jobId: string) => textOf(progressMessage(t.slack, jobId)?.blocks ?? []);

  it('a Slack job: PAUSED mid-run stops it within 2 s, rows kept pending and said so; REINSTATED resumes it; admins are told once', async () => {
    const { jobId } = await startSlackJob(60);
    await waitUntil(() => postedAt.size >= 15, 15_000, '15 rows sent');
    await templateEvent(t, login, 'PAUSED', { reason: 'LOW_QUALITY' });
    const eventAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, STOP_WITHIN_MS + 1_500));
    const stopped = after(eventAt);
    expect(stopped.late).toBe(0);
    expect(postedAt.size).toBeLessThan(60);

    const [job] = await t.server.services.db.query<{ paused_reason: string; pending: string }>(
      `SELECT j.paused_reason, (SELECT count(*) FROM bulk_rows r WHERE r.job_id = j.id AND r.state = 'pending') AS pending
         FROM bulk_jobs j WHERE j.id = $1`,
      [jobId],
    );
    expect(job?.paused_reason).toBe('template_paused');
    expect(Number(job?.pending)).toBe(60 - postedAt.size);
    await waitUntil(
      () => progressText(jobId).includes('Bulk send paused'),
      5_000,
      'the progress to say paused',
    );
    expect(progressText(jobId)).toContain('resumes by itself when Meta reinstates');

    // One message to the admin who set the workspace up, naming the template, the event and Meta's reason.
    const told = await t.slack.waitFor(
      (s) => s.callsTo('chat.postMessage').filter((c) => c.body.channel === 'UADMIN')[0],
    );
    expect(textOf(told.body)).toContain('order_status');
    expect(textOf(told.body)).toContain('PAUSED');
    expect(textOf(told.body)).toContain('LOW_QUALITY');

    // A single send with the template is refused before Kaleyra, in the same words.
    const single = command(t, `${CUSTOMER.e164} ${prefix}ONE shipped`);
    await single.post();
    const refused = textOf((await outcomeOf(t, single)).body);
    expect(refused).toContain('TEMPLATE_PAUSED');
    expect(refused).toContain('LOW_QUALITY');
    expect(postedAt.has(`${prefix}ONE`)).toBe(false);

    await templateEvent(t, login, 'REINSTATED');
    const rows = await jobResultRows(t.slack, jobId);
    expect(rows.filter((row) => row.outcome === 'sent')).toHaveLength(60);
    expect(postedAt.size).toBe(60);
    expect(t.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'UADMIN')).toHaveLength(2);
  });

  it('send --csv of 60 rows: PAUSED mid-run stops it within 2 s and keeps the rest; after REINSTATED they go by themselves, each once', async () => {
    const dir = path.join(t.dataDir, 'csv');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${prefix}.csv`);
    await writeFile(file, bulkCsv(60, prefix));
    const env = cliEnvOf(t, scratch?.url ?? '', { KALEYRA_RATE_LIMIT: RATE });
    const running = runCliProcess(['send', '--team', t.team, '--csv', file], env);
    await waitUntil(() => postedAt.size >= 15, 20_000, '15 rows sent');
    await templateEvent(t, login, 'PAUSED');
    const eventAt = Date.now();
    const run = await running;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stopped = after(eventAt);
    expect(stopped.late).toBe(0);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stopping [TEMPLATE_PAUSED]');
    const first = parse(run.stdout, { columns: true }) as Array<Record<string, string>>;
    const notSent = first.filter((row) => row.outcome === 'pending');
    const sentBefore = postedAt.size;
    expect(notSent.length).toBe(60 - sentBefore);
    expect(notSent.every((row) => row.error_code === 'TEMPLATE_PAUSED')).toBe(true);
    expect(run.stderr).toMatch(
      new RegExp(`${notSent.length} not sent yet \\(TEMPLATE_PAUSED\\): kept as bulk job [0-9a-f-]{36}\\.`),
    );

    // While paused the file does not even start.
    const early = await runCliProcess(['send', '--team', t.team, '--csv', file], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('error [TEMPLATE_PAUSED]');
    expect(early.stdout).toBe('');

    await templateEvent(t, login, 'REINSTATED');
    const liftedAt = Date.now();
    await waitUntil(() => postedAt.size === 60, 20_000, 'the kept rows to go');
    const firstAfter = Math.min(...[...postedAt.values()].filter((at) => at > liftedAt));
    expect(firstAfter - liftedAt).toBeLessThan(5_000);
    // The same file again: every update went already, nothing is sent twice.
    const again = await runCliProcess(['send', '--team', t.team, '--csv', file], env);
    expect(again.code, again.stderr).toBe(0);
    const second = parse(again.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(second.filter((row) => row.outcome === 'already_sent')).toHaveLength(60);
    expect(t.kaleyra.requests).toHaveLength(60);
    // Four CLI processes, each opening the database: more than the default on a busy machine.
  }, 60_000);

  it('FLAGGED refuses to start bulk sends (Slack and send --csv) while a single send still goes, with the warning; UNFLAGGED lifts it', async () => {
    await qualityEvent(t, login, 'FLAGGED', 'TIER_1K');
    const { confirmed } = await startSlackJob(3);
    expect(textOf(confirmed.json)).toContain('NUMBER_FLAGGED');
    const dir = path.join(t.dataDir, 'csv');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${prefix}.csv`);
    await writeFile(file, bulkCsv(3, prefix));
    const env = cliEnvOf(t, scratch?.url ?? '');
    const refused = await runCliProcess(['send', '--team', t.team, '--csv', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error [NUMBER_FLAGGED]');
    expect(refused.stderr).toContain('orderstatus quality resume --team');
    expect(postedAt.size).toBe(0);

    const single = command(t, `${CUSTOMER.e164} ${prefix}ONE shipped`);
    await single.post();
    const went = textOf((await outcomeOf(t, single)).body);
    expect(went).toContain('message_id');
    expect(went).toContain('Meta flagged the quality of the business number');
    const cli = await runCliProcess(
      ['send', '--team', t.team, '--to', CUSTOMER.e164, '--ref', `${prefix}TWO`, '--status', 'shipped'],
      env,
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('warning: Meta flagged the quality of the business number (FLAGGED since');
    expect(postedAt.size).toBe(2);

    await qualityEvent(t, login, 'UNFLAGGED');
    const lifted = await runCliProcess(['send', '--team', t.team, '--csv', file], env);
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(postedAt.size).toBe(5);
  });
});
