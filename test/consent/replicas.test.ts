import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { command, outcomeOf, textOf, waitUntil } from '../support/app-driver.ts';
import { CUSTOMER, customerSays, templateEvent } from '../support/consent-driver.ts';
import { postCallback } from '../support/kaleyra-callbacks.ts';
import { templateStatusPayload } from '../support/kaleyra-incoming.ts';
import { useReplicas } from '../support/replicas.ts';
import { useScratchDatabase } from '../support/scratch-database.ts';
import type { TestApp } from '../support/start-app.ts';

// A database of its own: every replica's announcer sweeps the whole database, and other test files'
// workspaces (all saved by UADMIN) would be announced here too.
const pgUrl = (await useScratchDatabase('consent_replicas'))?.url;

/**
 * Two replicas on one Postgres: what one of them heard from Kaleyra (a STOP, a pause) holds for the
 * other's very next send, with no cache to wait out; and an event both receive is announced once.
 */
describe.skipIf(!pgUrl)('consent and quality across two replicas', () => {
  const r = useReplicas(pgUrl, { sharedKaleyra: true });

  async function oneLinerOn(app: TestApp, reference: string) {
    const sent = command(r.on(app), `${CUSTOMER.e164} ${reference} shipped`);
    await sent.post();
    return textOf((await outcomeOf(r.on(r.a), sent)).body);
  }

  it('a STOP received by A is enforced by B’s next send at once; START on B lets A send again', async () => {
    // B has already read the workspace's settings (its credential cache is warm).
    expect(await oneLinerOn(r.b, 'REPL-0')).toContain('message_id');
    await customerSays(r.on(r.a), r.login, 'STOP');
    expect(await oneLinerOn(r.b, 'REPL-1')).toContain('OPTED_OUT');
    expect(r.a.kaleyra.requests).toHaveLength(1);
    await customerSays(r.on(r.b), r.login, 'START');
    expect(await oneLinerOn(r.a, 'REPL-2')).toContain('message_id');
    expect(r.a.kaleyra.requests).toHaveLength(2);
  });

  it('a STOP and an older START reaching the two replicas at once: the newer word holds, whatever the order', async () => {
    const customers = Array.from({ length: 8 }, (_, i) => `91987650${String(1000 + i)}`);
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    let n = 0;
    /** The word on `app`, sent again (the same message) on a 503, as Kaleyra retries a busy receiver. */
    async function says(app: TestApp, word: string, options: { from: string; at?: Date }) {
      n += 1;
      const id = `wamid.REPL-ORDER-${n}`;
      for (let tries = 1; ; tries += 1) {
        try {
          return await customerSays(r.on(app), r.login, word, { ...options, id });
        } catch (error) {
          if (tries === 5 || !String(error).includes('503')) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200 * tries));
        }
      }
    }
    // Each customer's STOP (now) and their START of two minutes ago, at the same moment on A and B.
    await Promise.all(
      customers.flatMap((from, i) => [
        says(i % 2 ? r.a : r.b, 'STOP', { from }),
        says(i % 2 ? r.b : r.a, 'START', { from, at: minutes(-2) }),
      ]),
    );
    expect((await r.a.server.services.consent.list(r.team)).total).toBe(customers.length);
    // A START (now) and an hour-old STOP, likewise: everyone is opted in again.
    await Promise.all(
      customers.flatMap((from, i) => [
        says(i % 2 ? r.b : r.a, 'START', { from }),
        says(i % 2 ? r.a : r.b, 'STOP', { from, at: minutes(-60) }),
      ]),
    );
    expect((await r.b.server.services.consent.list(r.team)).total).toBe(0);
  });

  it('a template PAUSED received by B refuses A’s next send; the same event reaching both is announced once', async () => {
    const body = templateStatusPayload({ event: 'PAUSED', name: 'order_status', reason: 'LOW_QUALITY' });
    const answers = await Promise.all([
      postCallback(r.a.url, body, r.login),
      postCallback(r.b.url, body, r.login),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(await oneLinerOn(r.a, 'REPL-3')).toContain('TEMPLATE_PAUSED');
    const toAdmin = () =>
      r.a.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'UADMIN');
    await waitUntil(() => toAdmin().length > 0, 5000, 'the announcement');
    // Both replicas sweep too: still one message.
    await Promise.all([r.a.server.app.slack.announcer.run(), r.b.server.app.slack.announcer.run()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(toAdmin()).toHaveLength(1);
    expect(textOf(toAdmin()[0]?.body)).toContain('LOW_QUALITY');

    await templateEvent(r.on(r.b), r.login, 'REINSTATED');
    expect(await oneLinerOn(r.a, 'REPL-4')).toContain('message_id');
    await waitUntil(() => toAdmin().length === 2, 5000, 'the second announcement');
  });

  it('announces a change the first replica skipped because the other held its row (the same event, at once)', async () => {
    // A records PAUSED; while B's copy of the same event holds the row (its upsert, simulated by a lock),
    // A's claim skips it (SKIP LOCKED). B's record then changes nothing: B must still look for it.
    await r.a.server.services.accountHealth.record(r.team, {
      templateEvents: [
        { event: 'PAUSED', templateName: 'order_status', language: 'en', reason: 'LOW_QUALITY' },
      ],
      qualityEvents: [],
    });
    const locker = new pg.Client({ connectionString: pgUrl });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM template_states WHERE workspace_id = $1 FOR UPDATE', [r.team]);
      await r.a.server.app.slack.announcer.run();
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    const toAdmin = () =>
      r.a.slack.callsTo('chat.postMessage').filter((call) => call.body.channel === 'UADMIN');
    expect(toAdmin()).toHaveLength(0);
    const body = templateStatusPayload({ event: 'PAUSED', name: 'order_status', reason: 'LOW_QUALITY' });
    expect((await postCallback(r.b.url, body, r.login)).status).toBe(200);
    await waitUntil(() => toAdmin().length > 0, 5000, 'the announcement');
    expect(toAdmin()).toHaveLength(1);
  });
});
