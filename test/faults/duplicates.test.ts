import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RESEND_ACTION } from '../../src/slack/ids.ts';
import {
  buttonValue,
  clickButton,
  command,
  countOutcomes,
  type JsonRecord,
  outcomeOf,
  postsTo,
  SETTINGS,
  storageModes,
  testDatabaseUrl,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { acceptedAs, KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp, uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await testDatabaseUrl();

describe.each(await storageModes())('Duplicate guard on the %s', (_name, storage) => {
  const t = useTestApp(storage);

  it('refuses the same one-liner, says when, by whom and its message_id, and sends again only when asked', async () => {
    const first = command(t, '+919876543210 DUP-1 shipped', { userId: 'UAGENT' });
    await first.post();
    const sent = await outcomeOf(t, first);
    expect(t.kaleyra.requests).toHaveLength(1);
    const messageId = /message_id: `?([A-Z0-9]+)/.exec(textOf(sent.body))?.[1];
    expect(messageId).toMatch(/^A[A-Z0-9]+$/);

    // Another agent, same update: refused, told only to them.
    const second = command(t, '+919876543210 DUP-1 SHIPPED', { userId: 'UOTHER' });
    await second.post();
    const refused = await outcomeOf(t, second);
    const body = refused.body as JsonRecord;
    const text = textOf(body);
    expect(body.response_type).toBe('ephemeral');
    expect(text).toContain('DUPLICATE');
    expect(text).toContain(messageId);
    expect(text).toContain('already went out');
    expect(text).toContain('sent by <@UAGENT>');
    expect(text).toMatch(/<!date\^\d+\^/);
    expect(t.kaleyra.requests).toHaveLength(1);

    // "Send again anyway" is the deliberate way past the guard.
    const resend = buttonValue(body, RESEND_ACTION);
    expect(resend).toBeDefined();
    const click = clickButton(t, { userId: 'UOTHER', actionId: RESEND_ACTION, value: resend ?? '' });
    expect((await click.post()).status).toBe(200);
    const forced = await outcomeOf(t, click);
    expect(textOf(forced.body)).toContain('message_id');
    expect(t.kaleyra.requests).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.kaleyra.requests).toHaveLength(2);

    const rows = (await t.server.services.journal.list(t.team)).reverse();
    expect(rows.map((row) => [row.outcome, row.forced, row.actor])).toEqual([
      ['sent', false, 'UAGENT'],
      ['duplicate', false, 'UOTHER'],
      ['sent', true, 'UOTHER'],
    ]);
    expect(rows[1]?.duplicate_of).toBe(rows[0]?.id);
    expect(rows[0]?.message_id).toBe(messageId);
  });

  /** A one-liner whose update already went out: the DUPLICATE answer and its "Send again anyway" value. */
  async function refusedWithResend(line: string): Promise<string> {
    const again = command(t, line, { userId: 'UOTHER' });
    await again.post();
    const refused = await outcomeOf(t, again);
    expect(textOf(refused.body)).toContain('DUPLICATE');
    const value = buttonValue(refused.body, RESEND_ACTION);
    expect(value).toBeDefined();
    return value ?? '';
  }

  it('a "Send again anyway" that Kaleyra rejects leaves the delivered update guarded', async () => {
    const first = command(t, '+919876543210 DUP-FORCE-FAIL shipped');
    await first.post();
    expect(textOf((await outcomeOf(t, first)).body)).toContain('message_id');
    const resend = await refusedWithResend('+919876543210 DUP-FORCE-FAIL shipped');

    t.kaleyra.respondWith({ status: 400, body: KALEYRA_RESPONSES.wa400.body });
    const click = clickButton(t, { userId: 'UOTHER', actionId: RESEND_ACTION, value: resend });
    await click.post();
    expect(textOf((await outcomeOf(t, click)).body)).toContain('WA400');
    t.kaleyra.respondWith({ status: 202, body: KALEYRA_RESPONSES.wa202.body });

    // The customer has the first message: an ordinary one-liner is still refused.
    const third = command(t, '+919876543210 DUP-FORCE-FAIL shipped', { userId: 'UTHIRD' });
    await third.post();
    expect(textOf((await outcomeOf(t, third)).body)).toContain('DUPLICATE');
    expect(t.kaleyra.requests).toHaveLength(2);
    const rows = (await t.server.services.journal.list(t.team)).reverse();
    expect(rows.map((row) => [row.outcome, row.forced])).toEqual([
      ['sent', false],
      ['duplicate', false],
      ['failed', true],
      ['duplicate', false],
    ]);
    expect(rows[3]?.duplicate_of).toBe(rows[0]?.id);
  });

  it('a "Send again anyway" that goes out takes the guard over: the next refusal names its message_id', async () => {
    const first = command(t, '+919876543210 DUP-FORCE-OK shipped');
    await first.post();
    await outcomeOf(t, first);
    const resend = await refusedWithResend('+919876543210 DUP-FORCE-OK shipped');
    t.kaleyra.respondWith(() => acceptedAs('AFORCEDSECOND00001'));
    const click = clickButton(t, { userId: 'UOTHER', actionId: RESEND_ACTION, value: resend });
    await click.post();
    expect(textOf((await outcomeOf(t, click)).body)).toContain('AFORCEDSECOND00001');
    const third = command(t, '+919876543210 DUP-FORCE-OK shipped', { userId: 'UTHIRD' });
    await third.post();
    const refused = textOf((await outcomeOf(t, third)).body);
    expect(refused).toContain('DUPLICATE');
    expect(refused).toContain('AFORCEDSECOND00001');
    expect(refused).toContain('sent by <@UOTHER>');
    expect(t.kaleyra.requests).toHaveLength(2);
  });

  it('knows +9109876543210 is +919876543210: refused as a duplicate, and only the canonical form is sent and stored', async () => {
    const first = command(t, '+919876543210 DUP-CANON shipped');
    await first.post();
    expect(textOf((await outcomeOf(t, first)).body)).toContain('message_id');
    for (const spelling of ['+9109876543210', '+91 0 98765 43210']) {
      const again = command(t, `${spelling} DUP-CANON shipped`, { userId: 'UOTHER' });
      await again.post();
      expect(textOf((await outcomeOf(t, again)).body)).toContain('DUPLICATE');
    }
    expect(t.kaleyra.requests).toHaveLength(1);
    // A first send typed with the trunk 0 goes out in canonical form.
    const typed = command(t, '+9109876543210 DUP-CANON-2 shipped');
    await typed.post();
    expect(textOf((await outcomeOf(t, typed)).body)).toContain('message_id');
    const sentTo = t.kaleyra.requests.map(
      (r) => (r.body as { messaging_object?: { to?: string } }).messaging_object?.to,
    );
    expect(sentTo).toEqual(['+919876543210', '+919876543210']);
    expect(countOutcomes(await t.server.services.journal.list(t.team))).toEqual({ sent: 2, duplicate: 2 });
  });

  it('20 identical one-liners at once reach Kaleyra exactly once', async () => {
    // Kaleyra answers slowly, so the later commands arrive while the first is still in flight.
    t.kaleyra.respondWith(async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return acceptedAs('ACONCURRENT0000001');
    });
    const commands = Array.from({ length: 20 }, (_, i) =>
      command(t, '+919876543210 DUP-20 processing', { userId: `UAGENT${i}` }),
    );
    const acks = await Promise.all(commands.map((c) => c.post()));
    expect(acks.map((ack) => ack.status)).toEqual(Array(20).fill(200));
    // 19 refusals to their askers (response_url), one outcome posted in the channel for everyone.
    const inChannel = () => t.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === 'CORDERS');
    await waitUntil(
      () => commands.filter((c) => postsTo(t, c).length > 0).length === 19 && inChannel().length === 1,
      15_000,
      'all 20 outcomes',
    );

    expect(t.kaleyra.requests).toHaveLength(1);
    const texts = commands.flatMap((c) => postsTo(t, c)).map((post) => textOf(post.body));
    expect(texts.filter((text) => text.includes('DUPLICATE'))).toHaveLength(19);
    expect(textOf(inChannel()[0]?.body)).toContain('ACONCURRENT0000001');
    expect(textOf(inChannel()[0]?.body)).not.toContain('DUPLICATE');
    expect(countOutcomes(await t.server.services.journal.list(t.team))).toEqual({ sent: 1, duplicate: 19 });
  });
});

describe.skipIf(!pgUrl)('Duplicate guard across two app instances on one Postgres', () => {
  let a: TestApp;
  let b: TestApp;
  let team: string;

  beforeAll(async () => {
    if (!pgUrl) return;
    [a, b] = await Promise.all([
      startTestApp({ kind: 'postgres', url: pgUrl }),
      startTestApp({ kind: 'postgres', url: pgUrl }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });
  beforeEach(async () => {
    team = uniqueTeamId();
    for (const app of [a, b]) {
      app.slack.clear();
      app.kaleyra.reset();
      app.kaleyra.respondWith(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return acceptedAs(`A${Date.now()}`);
      });
    }
    await a.server.services.credentials.set(team, SETTINGS, 'UADMIN');
  });

  it('the same one-liner reaching both instances at once is sent once in all', async () => {
    for (let round = 0; round < 5; round++) {
      const line = `+919876543210 TWO-${round} shipped`;
      const onA = command(a, line, { teamId: team, userId: 'UAGENT' });
      const onB = command(b, line, { teamId: team, userId: 'UOTHER' });
      await Promise.all([onA.post(), onB.post()]);
      const [postA, postB] = await Promise.all([outcomeOf(a, onA), outcomeOf(b, onB)]);
      const texts = [textOf(postA.body), textOf(postB.body)];
      expect(texts.filter((text) => text.includes('DUPLICATE'))).toHaveLength(1);
      expect(a.kaleyra.requests.length + b.kaleyra.requests.length).toBe(round + 1);
    }
    expect(countOutcomes(await a.server.services.journal.list(team))).toEqual({ sent: 5, duplicate: 5 });
  });
});

describe.skipIf(!pgUrl)(
  'Duplicate guard while ENCRYPTION_KEY rotates (replicas on different key lists)',
  () => {
    const NEW_KEY = Buffer.alloc(32, 9).toString('base64');
    let before: TestApp;
    let during: TestApp;
    let team: string;

    beforeAll(async () => {
      if (!pgUrl) return;
      // A replica still on the old key, then one restarted with the new key listed first.
      before = await startTestApp({ kind: 'postgres', url: pgUrl }, { ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
      during = await startTestApp(
        { kind: 'postgres', url: pgUrl },
        { ENCRYPTION_KEY: `new:${NEW_KEY},${TEST_ENCRYPTION_KEY}` },
      );
    });
    afterAll(async () => {
      await Promise.all([before?.close(), during?.close()]);
    });
    beforeEach(async () => {
      team = uniqueTeamId();
      for (const app of [before, during]) {
        app.slack.clear();
        app.kaleyra.reset();
      }
      await before.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    });

    it('each sees the claims the other took', async () => {
      for (const [first, second, reference] of [
        [before, during, 'ROT-1'],
        [during, before, 'ROT-2'],
      ] as const) {
        const line = `+919876543210 ${reference} shipped`;
        const sent = command(first, line, { teamId: team });
        await sent.post();
        expect(textOf((await outcomeOf(first, sent)).body)).toContain('message_id');
        const repeated = command(second, line, { teamId: team, userId: 'UOTHER' });
        await repeated.post();
        expect(textOf((await outcomeOf(second, repeated)).body)).toContain('DUPLICATE');
      }
      expect(before.kaleyra.requests.length + during.kaleyra.requests.length).toBe(2);
    });
  },
);
