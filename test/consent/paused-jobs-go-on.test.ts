import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  configSubmissionBody,
  SETTINGS,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import {
  bulkCsv,
  checkedView,
  confirmBulk,
  progressMessage,
  resultUpload,
  submitBulkFile,
} from '../support/bulk-driver.ts';
import { credentialsSetArgs, runCliProcess } from '../support/cli-process.ts';
import { cliEnvOf, qualityEvent, templateEvent } from '../support/consent-driver.ts';
import { type RecordedKaleyraRequest, referenceIdOf } from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { useScratchDatabase } from '../support/scratch-database.ts';
import { postToApp } from '../support/slack-request.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

// Its own database: only this app's worker may take these jobs, and the CLI runs beside it on it.
const scratch = await useScratchDatabase('jobsgoon');

/** The promise: the rows not sent yet start going out this soon after the change. */
const GO_WITHIN_MS = 5_000;
/** Rows already waiting for their rate slot when a job pauses may still go within this. */
const STOP_WITHIN_MS = 2_000;

const templateOf = (request: RecordedKaleyraRequest) =>
  (request.body as { messaging_object?: { template?: { name?: string; language?: { code?: string } } } })
    .messaging_object?.template;

/**
 * A bulk job paused by a stopped template or a flagged number is not stranded when the admin does what
 * the app advises: a new default template that Meta has not stopped, or the number unflagged. The rows
 * not sent yet go out within 5 s of the change, each once, with the new template; the job's progress
 * message and the admins are told. Jobs from Slack and from `send --csv` alike.
 */
describe.skipIf(!scratch)('a paused bulk job goes on', () => {
  const t = useTestApp(scratch ? { kind: 'postgres', url: scratch.url } : undefined, {
    env: { KALEYRA_RATE_LIMIT: '10' },
    bulk: { pollMs: 100, editMs: 200 },
  });
  const target = () => ({ slack: t.slack, url: t.url, signingSecret: SIGNING_SECRET });
  let login: Login;
  let prefix: string;
  /** Each reference's sends: when, and with which template. */
  let posts: Map<string, Array<{ at: number; template: string }>>;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    prefix = `G${Math.random().toString(36).slice(2, 6).toUpperCase()}-`;
    posts = new Map();
    t.kaleyra.respondWith((request) => {
      const ref = referenceIdOf(request) ?? '';
      const template = templateOf(request);
      const sent = posts.get(ref) ?? [];
      sent.push({ at: Date.now(), template: `${template?.name}/${template?.language?.code}` });
      posts.set(ref, sent);
      return { status: 202, body: JSON.stringify({ code: 'WA202', data: { message_id: `M-${ref}` } }) };
    });
  });

  const sentCount = () => posts.size;
  const settle = () => new Promise((resolve) => setTimeout(resolve, STOP_WITHIN_MS));
  /** Every reference went exactly once; those sent after `at` went with `template`. */
  function expectOnceEach(total: number, at: number, template: string) {
    expect(posts.size).toBe(total);
    expect([...posts.values()].every((sent) => sent.length === 1)).toBe(true);
    const later = [...posts.values()].flat().filter((sent) => sent.at > at);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((sent) => sent.template === template)).toBe(true);
    expect(Math.min(...later.map((sent) => sent.at)) - at).toBeLessThan(GO_WITHIN_MS);
  }
  const pausedReason = async (jobId: string) =>
    (
      await t.server.services.db.query<{ paused_reason: string | null }>(
        'SELECT paused_reason FROM bulk_jobs WHERE id = $1',
        [jobId],
      )
    )[0]?.paused_reason;

  it('a Slack job paused on its template goes on with the default template an admin picks in Slack; its message and the admins say so', async () => {
    const { viewId } = await submitBulkFile(target(), { team: t.team, csv: bulkCsv(40, prefix) });
    const { jobId } = await checkedView(target(), viewId);
    if (!jobId) throw new Error('no confirmation');
    await confirmBulk(target(), { team: t.team, jobId });
    await waitUntil(() => sentCount() >= 10, 15_000, '10 rows sent');
    await templateEvent(t, login, 'PAUSED', { reason: 'LOW_QUALITY' });
    await waitUntil(async () => (await pausedReason(jobId)) === 'template_paused', 5_000, 'the pause');
    await settle();
    const before = sentCount();
    expect(before).toBeLessThan(40);

    t.slack.setUser('UBOSS', { is_admin: true });
    const { apiKey: _kept, ...withoutKey } = SETTINGS;
    const saved = await postToApp(
      t.url,
      configSubmissionBody(t.team, 'UBOSS', { ...withoutKey, templateName: 'order_update' }),
      { signingSecret: SIGNING_SECRET },
    );
    const changedAt = Date.now();
    expect(saved.status).toBe(200);
    await waitUntil(() => sentCount() === 40, 15_000, 'every row sent');
    expectOnceEach(40, changedAt, 'order_update/en');

    const message = await waitUntil(
      () => {
        const text = textOf(progressMessage(t.slack, jobId)?.blocks ?? []);
        return text.includes('Resumed') && text;
      },
      5_000,
      'the progress message to say it resumed',
    );
    expect(message).toContain('order_update');
    const told = await t.slack.waitFor((s) =>
      s
        .callsTo('chat.postMessage')
        .find((c) => c.body.channel === 'UBOSS' && textOf(c.body).includes('resumed')),
    );
    expect(textOf(told.body)).toContain('order_update');
    expect(textOf(told.body)).toContain(`${40 - before} updates not sent yet go out now`);
  });

  it('send --csv paused on its template: the kept rows go out with the default template set from the CLI; the progress appears in the replies channel', async () => {
    await t.server.services.credentials.set(t.team, { ...SETTINGS, repliesChannel: 'CREPLIES01' }, 'UADMIN');
    const dir = path.join(t.dataDir, 'csv');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${prefix}.csv`);
    await writeFile(file, bulkCsv(40, prefix));
    const env = cliEnvOf(t, scratch?.url ?? '', { KALEYRA_RATE_LIMIT: '10' });
    const running = runCliProcess(['send', '--team', t.team, '--csv', file], env);
    await waitUntil(() => sentCount() >= 10, 20_000, '10 rows sent');
    await templateEvent(t, login, 'PAUSED');
    const run = await running;
    expect(run.code).toBe(1);
    const kept = /kept as bulk job ([0-9a-f-]{36})/.exec(run.stderr)?.[1];
    if (!kept) throw new Error(`not kept: ${run.stderr}`);
    const pending = (parse(run.stdout, { columns: true }) as Array<Record<string, string>>).filter(
      (row) => row.outcome === 'pending',
    );
    await settle();
    expect(pending.length).toBe(40 - sentCount());

    const set = await runCliProcess(
      [...credentialsSetArgs(t.team), '--template', 'order_update', '--replies-channel', 'CREPLIES01'],
      env,
      API_KEY,
    );
    const changedAt = Date.now();
    expect(set.code, set.stderr).toBe(0);
    await waitUntil(() => sentCount() === 40, 15_000, 'every row sent');
    expectOnceEach(40, changedAt, 'order_update/en');

    // Its progress message (it had none: it came from the CLI) in the replies channel, and its end there.
    const message = await waitUntil(() => progressMessage(t.slack, kept), 10_000, 'the job’s message');
    expect(message.channel).toBe('CREPLIES01');
    const upload = await waitUntil(() => resultUpload(t.slack, message), 10_000, 'the result file');
    const rows = parse(upload.text ?? '', { columns: true }) as Array<Record<string, string>>;
    expect(rows.filter((row) => row.outcome === 'sent')).toHaveLength(40);
    // Its own message says why it went on: the channel is not told twice (the pause was told there too).
    const inChannel = t.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'CREPLIES01');
    expect(inChannel.map((c) => textOf(c.body)).filter((text) => text.includes('resumed'))).toHaveLength(0);
    expect(inChannel.filter((c) => textOf(c.body).includes('PAUSED'))).toHaveLength(1);
    expect(inChannel).toHaveLength(2);
    expect(textOf(message.blocks)).toContain('the CLI');
  });

  it('send --csv paused by a flagged number: UNFLAGGED sends the kept rows, each once', async () => {
    const dir = path.join(t.dataDir, 'csv');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${prefix}.csv`);
    await writeFile(file, bulkCsv(30, prefix));
    const env = cliEnvOf(t, scratch?.url ?? '', { KALEYRA_RATE_LIMIT: '10' });
    const running = runCliProcess(['send', '--team', t.team, '--csv', file], env);
    await waitUntil(() => sentCount() >= 5, 20_000, '5 rows sent');
    await qualityEvent(t, login, 'FLAGGED');
    const run = await running;
    expect(run.stderr).toContain('stopping [NUMBER_FLAGGED]');
    expect(run.stderr).toContain('kept as bulk job');
    await settle();
    expect(sentCount()).toBeLessThan(30);

    await qualityEvent(t, login, 'UNFLAGGED');
    const changedAt = Date.now();
    await waitUntil(() => sentCount() === 30, 15_000, 'every row sent');
    expectOnceEach(30, changedAt, 'order_status/en');
  });
});
