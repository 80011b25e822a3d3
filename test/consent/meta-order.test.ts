import { beforeEach, describe, expect, it } from 'vitest';
import { command, outcomeOf, textOf, useTestApp, waitUntil } from '../support/app-driver.ts';
import { bulkCsv, checkedView, confirmBulk, submitBulkFile } from '../support/bulk-driver.ts';
import { CUSTOMER, qualityEvent, templateEvent } from '../support/consent-driver.ts';
import { referenceIdOf } from '../support/fake-kaleyra.ts';
import { type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { numberQualityPayload } from '../support/kaleyra-incoming.ts';
import { ownStorageModes } from '../support/scratch-database.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

/** Rows already waiting for their rate slot when a job pauses may still go within this (bulk-pause.test.ts). */
const STOP_WITHIN_MS = 2_000;

/** Meta's clock for the events of a test: Unix seconds, `offset` from now. */
const metaTime = (offset: number) => Math.floor(Date.now() / 1000) + offset;

/**
 * Meta's events apply in Meta's order, per template and language: a late or replayed event changes
 * nothing, a lift in one language leaves another's pause, and a lift resumes only the bulk jobs that
 * stopped on what it lifted. Both stores (each with its own database, so only this app's worker takes
 * these jobs).
 */
describe.each(await ownStorageModes('metaorder'))(
  'Meta’s events in Meta’s order, on the %s',
  (_n, storage) => {
    const t = useTestApp(storage, { env: { KALEYRA_RATE_LIMIT: '10' }, bulk: { pollMs: 100, editMs: 200 } });
    let login: Login;
    let posted: Map<string, number>;

    beforeEach(async () => {
      login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
      posted = new Map();
      t.kaleyra.respondWith((request) => {
        const ref = referenceIdOf(request);
        if (ref) posted.set(ref, (posted.get(ref) ?? 0) + 1);
        return { status: 202, body: JSON.stringify({ code: 'WA202', data: { message_id: `M-${ref}` } }) };
      });
    });

    async function oneLiner(reference: string) {
      const sent = command(t, `${CUSTOMER.e164} ${reference} shipped`);
      await sent.post();
      return textOf((await outcomeOf(t, sent)).body);
    }
    const toAdmin = () =>
      t.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'UADMIN');
    /** A Slack job of 30 rows, once 5 went. */
    async function startJob(): Promise<string> {
      const prefix = `J${Math.random().toString(36).slice(2, 6).toUpperCase()}-`;
      const target = { slack: t.slack, url: t.url, signingSecret: SIGNING_SECRET };
      const { viewId } = await submitBulkFile(target, { team: t.team, csv: bulkCsv(30, prefix) });
      const { jobId } = await checkedView(target, viewId);
      if (!jobId) throw new Error('no confirmation');
      await confirmBulk(target, { team: t.team, jobId });
      await waitUntil(() => posted.size >= 5, 15_000, '5 rows sent');
      return jobId;
    }
    /** When the job paused (undefined while it runs): a new pause is a new time. */
    const pausedAtOf = async (jobId: string) =>
      (
        await t.server.services.db.query<{ paused_at: Date | null }>(
          'SELECT paused_at FROM bulk_jobs WHERE id = $1',
          [jobId],
        )
      )[0]?.paused_at;
    /** How many rows went once those already waiting for their rate slot when the job paused are out. */
    async function settled(): Promise<number> {
      await new Promise((resolve) => setTimeout(resolve, STOP_WITHIN_MS));
      return posted.size;
    }

    it('an APPROVED older than the PAUSED (a late or replayed event) changes nothing: sends stay refused, nothing is announced, the event is recorded', async () => {
      const pausedAt = metaTime(-60);
      await templateEvent(t, login, 'PAUSED', { reason: 'LOW_QUALITY', time: pausedAt, envelope: 'entry' });
      await templateEvent(t, login, 'APPROVED', { time: pausedAt - 120, envelope: 'entry' });
      // Kaleyra's envelope carries the time beside the change.
      await templateEvent(t, login, 'REINSTATED', { time: pausedAt - 1 });
      expect(await oneLiner('LATE-1')).toContain('TEMPLATE_PAUSED');
      expect(posted.size).toBe(0);

      await t.server.app.slack.announcer.run();
      expect(toAdmin()).toHaveLength(1);
      expect(textOf(toAdmin()[0]?.body)).toContain('PAUSED');
      const view = await t.server.services.accountHealth.show(t.team);
      expect(view.templates.find((s) => s.name === 'order_status')?.blocked).toBe(true);
      const ignored = view.events.filter((e) => !e.applied).map((e) => e.event);
      expect(ignored.sort()).toEqual(['APPROVED', 'REINSTATED']);

      // Meta's newer word lifts it.
      await templateEvent(t, login, 'APPROVED', { time: pausedAt + 30, envelope: 'entry' });
      expect(await oneLiner('LATE-2')).toContain('message_id');
      await t.server.app.slack.announcer.run();
      expect(toAdmin()).toHaveLength(2);
    });

    it('templates are kept per language: APPROVED for hi leaves the en pause; PAUSED for hi does not stop en sends', async () => {
      await templateEvent(t, login, 'PAUSED', { language: 'en', time: metaTime(-30), envelope: 'entry' });
      await templateEvent(t, login, 'APPROVED', { language: 'hi', time: metaTime(-10), envelope: 'entry' });
      expect(await oneLiner('LANG-1')).toContain('TEMPLATE_PAUSED');
      await templateEvent(t, login, 'APPROVED', { language: 'en', time: metaTime(-5), envelope: 'entry' });
      await templateEvent(t, login, 'PAUSED', { language: 'hi', time: metaTime(-1), envelope: 'entry' });
      expect(await oneLiner('LANG-2')).toContain('message_id');
      const view = await t.server.services.accountHealth.show(t.team);
      const states = view.templates.map((s) => `${s.name}/${s.language}:${s.blocked}`).sort();
      expect(states).toEqual(['order_status/en:false', 'order_status/hi:true']);
    });

    it('a number flag is kept by Meta’s time: an UNFLAGGED older than the FLAGGED changes nothing', async () => {
      await qualityEvent(t, login, 'FLAGGED', 'TIER_1K', { time: metaTime(-20), envelope: 'entry' });
      await qualityEvent(t, login, 'UNFLAGGED', 'TIER_10K', { time: metaTime(-40), envelope: 'entry' });
      const view = await t.server.services.accountHealth.show(t.team);
      expect(view.number?.flagged).toBe(true);
      expect(view.number?.currentLimit).toBe('TIER_1K');
      await qualityEvent(t, login, 'UNFLAGGED', 'TIER_10K', { time: metaTime(0), envelope: 'entry' });
      expect((await t.server.services.accountHealth.show(t.team)).number?.flagged).toBe(false);
    });

    it('a lift resumes only the jobs paused for that template and language, and only when it is newer than the pause', async () => {
      const jobId = await startJob();
      const pausedAt = metaTime(0);
      await templateEvent(t, login, 'PAUSED', { time: pausedAt, envelope: 'entry' });
      const pausedRow = () => pausedAtOf(jobId);
      const firstPause = await waitUntil(pausedRow, 5_000, 'the job to pause');
      const sentWhenPaused = await settled();

      // None of these lifts what stopped the job.
      await templateEvent(t, login, 'APPROVED', { language: 'hi', time: pausedAt + 1, envelope: 'entry' });
      await templateEvent(t, login, 'APPROVED', {
        name: 'other_template',
        time: pausedAt + 2,
        envelope: 'entry',
      });
      await templateEvent(t, login, 'APPROVED', { time: pausedAt - 30, envelope: 'entry' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(posted.size).toBe(sentWhenPaused);
      expect((await pausedRow())?.getTime()).toBe(firstPause.getTime());

      await templateEvent(t, login, 'REINSTATED', { time: pausedAt + 3, envelope: 'entry' });
      await waitUntil(() => posted.size === 30, 10_000, 'every row sent');
      expect([...posted.values()].every((n) => n === 1)).toBe(true);
    });

    it('a number’s lift resumes only the jobs paused for that number', async () => {
      const jobId = await startJob();
      // Another number of the account, flagged too, then lifted: not the number this workspace sends from.
      const otherNumber = async (event: string) => {
        const body = numberQualityPayload({ event, number: '919876500001' });
        expect((await postCallback(t.url, body, login)).status).toBe(200);
      };
      await otherNumber('FLAGGED');
      await qualityEvent(t, login, 'FLAGGED');
      const pausedRow = () => pausedAtOf(jobId);
      const firstPause = await waitUntil(pausedRow, 5_000, 'the job to pause');
      const sentWhenPaused = await settled();
      await otherNumber('UNFLAGGED');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(posted.size).toBe(sentWhenPaused);
      expect((await pausedRow())?.getTime()).toBe(firstPause.getTime());

      await qualityEvent(t, login, 'UNFLAGGED');
      await waitUntil(() => posted.size === 30, 10_000, 'every row sent');
      expect([...posted.values()].every((n) => n === 1)).toBe(true);
    });
  },
);
