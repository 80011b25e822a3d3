import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AppFixture, SETTINGS, useTestApp, waitUntil } from '../support/app-driver.ts';
import { customerSays, settledRow } from '../support/conversation-driver.ts';
import { type SentUpdate, sendUpdate } from '../support/delivery-driver.ts';
import type { FakeSlack, SlackApiCall } from '../support/fake-slack.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { ownStorageModes } from '../support/scratch-database.ts';
import { startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';

/**
 * A claim shorter than the post: each sweeper looks every 100 ms, so a lease left to run out is taken
 * at once (by this process's sweeper, or the other replica's).
 */
const LEASE_SECONDS = 1.5;
const ONCE = {
  leaseSeconds: LEASE_SECONDS,
  retrySeconds: 0.3,
  maxTries: 3,
  sweeper: { intervalMs: 100, graceSeconds: 1, leaseSeconds: LEASE_SECONDS },
} as const;
const SLOW_MS = LEASE_SECONDS * 1000 * 2 + 500;

/** Slack answers chat.postMessage only after more than two leases. */
function slowPosts(slack: FakeSlack): void {
  let counter = 0;
  slack.setResponse('chat.postMessage', async (call) => {
    await sleep(SLOW_MS);
    counter += 1;
    return { ok: true, channel: call.body.channel, ts: `1700000300.${String(counter).padStart(6, '0')}` };
  });
}

/** Slack asks `times` times to wait a second (429 Retry-After: 1), more than a lease in all, then posts. */
function rateLimitedPosts(slack: FakeSlack, times: number): void {
  let asked = 0;
  slack.setResponse(
    'chat.postMessage',
    () => {
      asked += 1;
      if (asked >= times) slack.restoreResponse('chat.postMessage');
      return { ok: false, error: 'ratelimited' };
    },
    { status: 429, headers: { 'retry-after': '1' } },
  );
}

/** The chat.postMessage calls in the order's thread, and those Slack took. */
function threadPosts(slack: FakeSlack, sent: SentUpdate): { made: SlackApiCall[]; taken: SlackApiCall[] } {
  const made = slack.callsTo('chat.postMessage').filter((call) => call.body.thread_ts === sent.ts);
  const taken = made.filter((call) => (call.response as { ok?: unknown } | undefined)?.ok === true);
  return { made, taken };
}

/** Waits until Slack took a post in the thread, then a lease and more (every sweeper looks many times). */
async function takenOnce(slack: FakeSlack, sent: SentUpdate): Promise<SlackApiCall[]> {
  await waitUntil(() => threadPosts(slack, sent).taken.length > 0, 15_000, 'a post Slack took');
  await sleep(SLOW_MS + 500);
  return threadPosts(slack, sent).taken;
}

let counter = 0;
const ids = () => {
  counter += 1;
  const ref = `ONCE-${counter}-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
  return { ref, kaleyraId: `A${ref.replace(/\W/g, '')}0000001`, wamid: `wamid.${ref}` };
};

const storages = await ownStorageModes('conversation_once');

describe.each(storages)('a customer’s message whose post outlives its claim, on the %s', (_name, storage) => {
  const t = useTestApp(storage, { conversation: ONCE });
  let login: Login;
  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });
  afterEach(() => t.slack.restoreResponse('chat.postMessage'));

  it('is posted once when Slack answers after two leases (the sweeper finds its lease renewed)', async () => {
    const { ref, kaleyraId, wamid } = ids();
    const sent = await sendUpdate(t, ref, kaleyraId);
    slowPosts(t.slack);
    await customerSays(t, login, { id: wamid });
    const taken = await takenOnce(t.slack, sent);
    expect(threadPosts(t.slack, sent).made).toHaveLength(1);
    expect(taken).toHaveLength(1);
    expect(await settledRow(t, wamid)).toMatchObject({ post_state: 'thread', post_tries: 1 });
  });

  it('is posted once when Slack asks three times to wait a second', async () => {
    const { ref, kaleyraId, wamid } = ids();
    const sent = await sendUpdate(t, ref, kaleyraId);
    rateLimitedPosts(t.slack, 3);
    await customerSays(t, login, { id: wamid });
    const taken = await takenOnce(t.slack, sent);
    expect(taken).toHaveLength(1);
    // Three 429s and the post, all from the process that holds the claim.
    expect(threadPosts(t.slack, sent).made).toHaveLength(4);
    const row = await settledRow(t, wamid);
    expect(row).toMatchObject({ post_state: 'thread', post_tries: 1 });
    expect(row.slack_ts).toBe((taken[0]?.response as { ts?: string } | undefined)?.ts);
  });
});

const postgres = storages[1]?.[1];

/** Two replicas on one Postgres and one Slack, each sweeping every 100 ms. */
describe.skipIf(!postgres)('a customer’s message whose post outlives its claim, across two replicas', () => {
  let a: TestApp;
  let b: TestApp;
  let team: string;
  let login: Login;
  const on = (app: TestApp): AppFixture => ({ ...app, team }) as AppFixture;

  beforeAll(async () => {
    if (postgres?.kind !== 'postgres') return;
    a = await startTestApp(postgres, {}, { conversation: ONCE });
    b = await startTestApp(postgres, { SLACK_API_URL: a.slack.url }, { conversation: ONCE });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });
  beforeEach(async () => {
    team = uniqueTeamId();
    a.slack.clear();
    await a.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    login = await a.server.services.callbackCredentials.rotate(team, 'UADMIN');
  });
  afterEach(() => a.slack.restoreResponse('chat.postMessage'));

  for (const [slack, make] of [
    ['answers after two leases', slowPosts],
    ['asks three times to wait a second', (fake: FakeSlack) => rateLimitedPosts(fake, 3)],
  ] as const) {
    it(`is posted once when Slack ${slack}`, async () => {
      const { ref, kaleyraId, wamid } = ids();
      const sent = await sendUpdate(on(a), ref, kaleyraId);
      make(a.slack);
      // B receives it: A's sweeper is the other worker.
      await customerSays(on(b), login, { id: wamid });
      expect(await takenOnce(a.slack, sent)).toHaveLength(1);
      expect(await settledRow(on(a), wamid)).toMatchObject({ post_state: 'thread', post_tries: 1 });
    });
  }
});
