import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeActionPayload } from '../../src/slack/action-payload.ts';
import { RESEND_ACTION, RETRY_ACTION } from '../../src/slack/ids.ts';
import {
  buttonValue,
  clickButton,
  command,
  countOutcomes,
  outcomeOf,
  SETTINGS,
  storageModes,
  testDatabaseUrl,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import { answersSoFar } from '../support/outcomes.ts';
import { startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const pgUrl = await testDatabaseUrl();

describe.each(await storageModes())('Retry and "Send again anyway" buttons on the %s', (_name, storage) => {
  const t = useTestApp(storage);

  /** Sends `line` once, then again: the second answer's "Send again anyway" value. */
  async function resendButtonFor(line: string): Promise<string> {
    const first = command(t, line);
    await first.post();
    expect(textOf((await outcomeOf(t, first)).body)).toContain('message_id');
    const again = command(t, line, { userId: 'UOTHER' });
    await again.post();
    const value = buttonValue((await outcomeOf(t, again)).body, RESEND_ACTION);
    expect(value).toBeDefined();
    return value ?? '';
  }

  /** Waits until `count` answers reached this click (privately or in the channel), and gives their text. */
  async function answersTo(click: ReturnType<typeof clickButton>, count: number): Promise<string[]> {
    await waitUntil(() => answersSoFar(t.slack, click).length >= count, 5000, `${count} answers`);
    // Anything more would show up by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return answersSoFar(t.slack, click);
  }

  it('a "Send again anyway" request replayed three times at once sends once; the replays are told it was used', async () => {
    const value = await resendButtonFor('+919876543210 BTN-REPLAY shipped');
    const click = clickButton(t, { userId: 'UOTHER', actionId: RESEND_ACTION, value });
    // The very same signed request, three times: what an attacker holding it within Slack's 300 s can do.
    const acks = await Promise.all([click.post(), click.post(), click.post()]);
    expect(acks.map((ack) => ack.status)).toEqual([200, 200, 200]);
    const answers = await answersTo(click, 3);
    expect(answers).toHaveLength(3);
    expect(answers.filter((text) => text.includes('message_id'))).toHaveLength(1);
    expect(answers.filter((text) => text.includes('BUTTON_USED'))).toHaveLength(2);
    expect(answers.filter((text) => text.includes('already used'))).toHaveLength(2);
    expect(t.kaleyra.requests).toHaveLength(2);

    // And once more, later: still nothing.
    await click.post();
    expect((await answersTo(click, 4)).filter((text) => text.includes('BUTTON_USED'))).toHaveLength(3);
    expect(t.kaleyra.requests).toHaveLength(2);
    expect(countOutcomes(await t.server.services.journal.list(t.team))).toEqual({ sent: 2, duplicate: 1 });
  });

  it('a Retry button works once', async () => {
    t.kaleyra.respondWith({ status: 500, body: KALEYRA_RESPONSES.wa500.body });
    const failed = command(t, '+919876543210 BTN-RETRY shipped');
    await failed.post();
    const value = buttonValue((await outcomeOf(t, failed)).body, RETRY_ACTION);
    expect(value).toBeDefined();
    t.kaleyra.respondWith({ status: 202, body: KALEYRA_RESPONSES.wa202.body });
    const first = clickButton(t, { actionId: RETRY_ACTION, value: value ?? '' });
    await first.post();
    expect((await answersTo(first, 1))[0]).toContain('message_id');
    // A second click on the same button, as a new request.
    const second = clickButton(t, { actionId: RETRY_ACTION, value: value ?? '' });
    await second.post();
    const [answer] = await answersTo(second, 1);
    expect(answer).toContain('BUTTON_USED');
    expect(t.kaleyra.requests).toHaveLength(2);
  });

  it('a button older than 24 hours is refused as expired, and sends nothing', async () => {
    const update = {
      to: '+919876543210',
      referenceId: 'BTN-OLD',
      status: 'shipped' as const,
      templateName: 'order_status',
      languageCode: 'en',
    };
    const sealer = t.server.services.sealer;
    const old = encodeActionPayload(update, 'CORDERS', sealer, {
      workspaceId: t.team,
      now: Date.now() - DAY_MS - 60_000,
    });
    const click = clickButton(t, { actionId: RESEND_ACTION, value: old });
    await click.post();
    const [answer] = await answersTo(click, 1);
    expect(answer).toContain('BUTTON_EXPIRED');
    expect(answer).toContain('24 hours');
    // The same button made just under a day ago still works.
    const recent = encodeActionPayload(update, 'CORDERS', sealer, {
      workspaceId: t.team,
      now: Date.now() - DAY_MS + 60_000,
    });
    const fresh = clickButton(t, { actionId: RESEND_ACTION, value: recent });
    await fresh.post();
    expect((await answersTo(fresh, 1))[0]).toContain('message_id');
    expect(t.kaleyra.requests).toHaveLength(1);
  });
});

describe.skipIf(!pgUrl)('one button clicked on two replicas at once', () => {
  let a: TestApp;
  let b: TestApp;
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

  it('sends once in all', async () => {
    const team = uniqueTeamId();
    await a.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    const update = {
      to: '+919876543210',
      referenceId: 'BTN-TWO',
      status: 'shipped' as const,
      templateName: 'order_status',
      languageCode: 'en',
    };
    const value = encodeActionPayload(update, 'CORDERS', a.server.services.sealer, { workspaceId: team });
    const onA = clickButton(a, { teamId: team, actionId: RESEND_ACTION, value });
    const onB = clickButton(b, { teamId: team, actionId: RESEND_ACTION, value });
    await Promise.all([onA.post(), onB.post(), onA.post(), onB.post()]);
    const all = () => [...answersSoFar(a.slack, onA), ...answersSoFar(b.slack, onB)];
    await waitUntil(() => all().length >= 4, 5000, 'four answers');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const answers = all();
    expect(answers.filter((text) => text.includes('message_id'))).toHaveLength(1);
    expect(answers.filter((text) => text.includes('BUTTON_USED'))).toHaveLength(3);
    expect(a.kaleyra.requests.length + b.kaleyra.requests.length).toBe(1);
  });
});
