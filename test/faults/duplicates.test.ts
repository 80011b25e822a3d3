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
import { acceptedAs } from '../support/fake-kaleyra.ts';
import { startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';

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
