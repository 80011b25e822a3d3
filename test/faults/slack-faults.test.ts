import { beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_MODAL_CALLBACK, SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import {
  command,
  type JsonRecord,
  outcomeOf,
  SETTINGS,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { acceptedAs, KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import type { SlackApiCall } from '../support/fake-slack.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const MESSAGE_ID = 'ASLACKFAULTS000001';

describe('Slack faults: the outcome still reaches the agent (embedded store)', () => {
  const t = useTestApp({ kind: 'embedded' });
  /** What chat.postMessage answers in this test; the default posts like Slack does. */
  let postMessage: (call: SlackApiCall) => unknown;
  let ts = 0;

  const posted = (call: SlackApiCall) => {
    ts += 1;
    return { ok: true, channel: call.body.channel, ts: `1700000000.${String(ts).padStart(6, '0')}` };
  };
  const usePostMessage = () => t.slack.setResponse('chat.postMessage', (call) => postMessage(call));

  beforeEach(() => {
    t.slack.failResponseUrl('all', undefined);
    t.slack.setResponse('views.open', (call) => ({
      ok: true,
      view: { id: 'V1', hash: 'h', ...(call.body.view as JsonRecord) },
    }));
    postMessage = posted;
    usePostMessage();
    t.kaleyra.respondWith(acceptedAs(MESSAGE_ID));
  });

  const postsIn = (channel: string) =>
    t.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it.each([
    ['not_in_channel', 'CPRIVATEA'],
    ['channel_not_found', 'CPRIVATEB'],
  ])(
    'chat.postMessage answering %s (a conversation the app is not in): the outcome goes through the response_url, and the next one goes there first',
    async (error, channel) => {
      postMessage = (call) => (call.body.channel === channel ? { ok: false, error } : posted(call));
      const first = command(t, '+919876543210 SF-1 shipped', { channelId: channel });
      expect((await first.post()).status).toBe(200);

      const outcome = await outcomeOf(t, first);
      expect(outcome.via).toBe('response_url');
      expect((outcome.body as JsonRecord).response_type).toBe('in_channel');
      expect(textOf(outcome.body)).toContain(MESSAGE_ID);
      // It cannot be edited as WhatsApp reports delivery, and says where to look instead.
      expect(textOf(outcome.body)).toContain('/orderstatus history SF-1');
      expect(postsIn(channel)).toHaveLength(1);

      const second = command(t, '+919876543210 SF-1b shipped', { channelId: channel });
      await second.post();
      expect((await outcomeOf(t, second)).via).toBe('response_url');
      expect(postsIn(channel)).toHaveLength(1);
      expect(postsIn('UAGENT')).toHaveLength(0);
      expect(t.kaleyra.requests).toHaveLength(2);
    },
  );

  it('an ephemeral outcome with a dead response_url goes by chat.postEphemeral, to the asker only', async () => {
    const sent = command(t, '+919876543210 SF-2 shipped', { teamId: uniqueTeamId() });
    t.slack.failResponseUrl(sent.responseUrl, 404);
    await sent.post();
    const call = await t.slack.waitFor((s) => s.callsTo('chat.postEphemeral')[0]);
    expect(call.body).toMatchObject({ channel: 'CORDERS', user: 'UAGENT' });
    expect(String(call.body.text)).toContain('NOT_CONFIGURED');
    expect(t.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it.each(['not_in_channel', 'channel_not_found'])(
    'chat.postMessage answering %s: the outcome goes to the agent as a DM',
    async (error) => {
      postMessage = (call) => (call.body.channel === 'CORDERS' ? { ok: false, error } : posted(call));
      const sent = command(t, '+919876543210 SF-3 shipped');
      t.slack.failResponseUrl(sent.responseUrl, 404);
      await sent.post();

      const dm = await t.slack.waitFor(() => postsIn('UAGENT')[0]);
      expect(String(dm.body.text)).toContain(MESSAGE_ID);
      await settle();
      expect(postsIn('CORDERS')).toHaveLength(1);
      expect(postsIn('UAGENT')).toHaveLength(1);
      expect(t.logs.some((line) => line.includes(error) && line.includes('trying the next'))).toBe(true);
    },
  );

  it('chat.postMessage rate-limited (429, Retry-After: 1): retried after the delay, posted once', async () => {
    const attempts: number[] = [];
    t.slack.setResponse(
      'chat.postMessage',
      () => {
        attempts.push(Date.now());
        // Only the first call is limited; later ones post normally.
        postMessage = (call) => {
          attempts.push(Date.now());
          return posted(call);
        };
        usePostMessage();
        return { ok: false, error: 'ratelimited' };
      },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    const sent = command(t, '+919876543210 SF-4 shipped');
    t.slack.failResponseUrl(sent.responseUrl, 404);
    await sent.post();

    await waitUntil(() => attempts.length >= 2, 6000, 'the retried post');
    const [limited = 0, retried = 0] = attempts;
    expect(retried - limited).toBeGreaterThanOrEqual(900);
    // Nothing more follows: no second copy, no DM.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(attempts).toHaveLength(2);
    expect(postsIn('CORDERS')).toHaveLength(2);
    expect(postsIn('CORDERS').every((c) => String(c.body.text).includes(MESSAGE_ID))).toBe(true);
    expect(postsIn('UAGENT')).toHaveLength(0);
    expect(t.kaleyra.requests).toHaveLength(1);
  });

  it('views.open answering expired_trigger_id: the agent is told to try again, not left in silence', async () => {
    t.slack.setResponse('views.open', { ok: false, error: 'expired_trigger_id' });
    const form = command(t, '+919876543210 SF-5');
    expect((await form.post()).status).toBe(200);
    const told = await outcomeOf(t, form);
    const body = told.body as JsonRecord;
    expect(body.response_type).toBe('ephemeral');
    expect(textOf(body)).toContain('expired_trigger_id');
    expect(textOf(body)).toContain('`/orderstatus` again');
    expect(t.slack.callsTo('views.open')[0]?.body).toMatchObject({
      view: { callback_id: SEND_MODAL_CALLBACK },
    });
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('the settings modal failing to open is told too', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    t.slack.setResponse('views.open', { ok: false, error: 'expired_trigger_id' });
    const config = command(t, 'config', { userId: 'UADMIN' });
    await config.post();
    const told = await outcomeOf(t, config);
    expect(textOf(told.body)).toContain('`/orderstatus config` again');
    expect(t.slack.callsTo('views.open')[0]?.body).toMatchObject({
      view: { callback_id: CONFIG_MODAL_CALLBACK },
    });
    // Nothing about the stored settings leaks into the notice.
    expect(textOf(told.body)).not.toContain(SETTINGS.apiKey);
  });

  it.each([
    ['a sent update', undefined, MESSAGE_ID],
    ['a failed update', KALEYRA_RESPONSES.wa500, 'WA500'],
  ] as const)(
    'every path failing for %s: an error log line names the outcome',
    async (_name, canned, needle) => {
      if (canned) t.kaleyra.respondWith({ status: canned.status, body: canned.body });
      postMessage = () => ({ ok: false, error: 'channel_not_found' });
      const sent = command(t, `+919876543210 SF-6-${needle} shipped`);
      t.slack.failResponseUrl(sent.responseUrl, 500);
      await sent.post();

      const line = await waitUntil(
        () =>
          t.logs.find(
            (l) => l.includes('"level":50') && l.includes('could not be delivered') && l.includes(needle),
          ),
        5000,
        'the undelivered outcome logged',
      );
      expect(line).not.toContain('9876543210');
      expect(postsIn('CORDERS')).toHaveLength(1);
      expect(postsIn('UAGENT')).toHaveLength(1);
      expect(t.kaleyra.requests).toHaveLength(1);
    },
  );
});
