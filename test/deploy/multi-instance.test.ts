import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { channelOutcomesNaming, configSubmissionBody } from '../support/app-driver.ts';
import { type FakeKaleyra, KALEYRA_RESPONSES, startFakeKaleyra } from '../support/fake-kaleyra.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { type ServerProcess, startServerProcess } from '../support/server-process.ts';
import { postToApp, slashCommandBody } from '../support/slack-request.ts';
import { TEST_ENCRYPTION_KEY, uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
const SECRET = 'multi-instance-signing-secret';

/** One server process's environment: the shared Postgres and the fakes of this test. */
function serverEnv(slack: FakeSlack, kaleyra: FakeKaleyra): Record<string, string> {
  return {
    DATABASE_URL: pgUrl as string,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-multi-instance',
    SLACK_API_URL: slack.url,
    KALEYRA_BASE_URL: kaleyra.url,
  };
}

describe.skipIf(!pgUrl)('two server processes on one Postgres', () => {
  let slack: FakeSlack;
  let kaleyra: FakeKaleyra;
  let a: ServerProcess;
  let b: ServerProcess;
  let team: string;

  const env = () => serverEnv(slack, kaleyra);

  beforeAll(async () => {
    slack = await startFakeSlack();
    kaleyra = await startFakeKaleyra();
    [a, b] = await Promise.all([startServerProcess(env()), startServerProcess(env())]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await Promise.all([slack?.close(), kaleyra?.close()]);
  });
  beforeEach(() => {
    team = uniqueTeamId();
    slack.clear();
    kaleyra.reset();
  });

  function command(server: ServerProcess, text: string, id: string) {
    return postToApp(
      server.url,
      slashCommandBody({
        text,
        teamId: team,
        userId: 'UAGENT',
        channelId: 'C1',
        responseUrl: slack.responseUrl(id),
      }),
      { signingSecret: SECRET },
    );
  }
  /** The outcome of the command with response_url `id` about `reference`: to the asker, or in the channel. */
  const postedTo = (id: string, reference: string) =>
    slack.waitFor(
      (s) =>
        s.responseUrlPosts.find((p) => p.path.endsWith(`/${id}`)) ??
        channelOutcomesNaming(s, 'C1', reference)[0],
      20_000,
    );

  async function configureThrough(server: ServerProcess, sid: string) {
    slack.setUser('UADMIN', { is_admin: true });
    const values: Record<string, string> = {
      sid,
      apiKey: 'Amultiinstance00000000000000000001',
      pod: 'in',
      businessNumber: '+919876500000',
      templateName: 'order_status',
      languageCode: 'en',
    };
    const saved = await postToApp(server.url, configSubmissionBody(team, 'UADMIN', values), {
      signingSecret: SECRET,
    });
    expect(saved.status).toBe(200);
    expect((saved.json as { response_action?: string }).response_action).toBe('update');
  }

  it('uses on one instance the credentials an admin saved through the other', async () => {
    await configureThrough(a, 'HXINSAVEDONA00IN');
    await command(b, '+919876543210 395001 shipped', 'cross');
    expect(JSON.stringify((await postedTo('cross', '395001')).body)).toContain('message_id');
    expect(kaleyra.requests).toHaveLength(1);
    expect(kaleyra.requests[0]?.path).toContain('/HXINSAVEDONA00IN/');
  });

  it('sends once when the same update lands on both instances at the same moment', async () => {
    await configureThrough(a, 'HXIN1234567890IN');
    await Promise.all([
      command(a, '+919876543210 777001 shipped', 'dup-a'),
      command(b, '+919876543210 777001 shipped', 'dup-b'),
    ]);
    // One is sent and posted in the channel; the other is refused to its asker.
    const refused = await slack.waitFor(
      (s) => s.responseUrlPosts.find((p) => /\/dup-[ab]$/.test(p.path)),
      20_000,
    );
    const posted = await slack.waitFor((s) => channelOutcomesNaming(s, 'C1', '777001')[0], 20_000);
    expect(kaleyra.requests).toHaveLength(1);
    expect(JSON.stringify(refused.body)).toContain('DUPLICATE');
    expect(JSON.stringify(posted.body)).not.toContain('DUPLICATE');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.responseUrlPosts.filter((p) => /\/dup-[ab]$/.test(p.path))).toHaveLength(1);
    expect(channelOutcomesNaming(slack, 'C1', '777001')).toHaveLength(1);
  });

  it('loses nothing when one instance is stopped with SIGTERM mid-send while the other keeps serving', async () => {
    await configureThrough(b, 'HXIN1234567890IN');
    kaleyra.respondWith({ status: 202, body: KALEYRA_RESPONSES.wa202.body, delayMs: 1500 });
    const acked = await command(a, '+919876543210 888001 shipped', 'drain-a');
    expect(acked.status).toBe(200);
    await slack.waitFor(() => kaleyra.requests.length === 1 || undefined, 5000);
    const exit = a.stop();
    const other = await command(b, '+919876543210 888002 shipped', 'drain-b');
    expect(other.status).toBe(200);
    expect(await exit).toBe(0);
    expect(JSON.stringify((await postedTo('drain-a', '888001')).body)).toContain('message_id');
    expect(JSON.stringify((await postedTo('drain-b', '888002')).body)).toContain('message_id');
    expect(kaleyra.requests).toHaveLength(2);
    // The stopped instance refuses new work instead of half-doing it.
    expect(
      await fetch(`${a.url}/healthz`)
        .then((r) => r.status)
        .catch(() => 'refused'),
    ).toBe('refused');
    a = await startServerProcess(env());
  }, 60_000);
});

// The per-number send budget across two server processes: test/services/exact-rate-limit.test.ts
// (400 sends at C=40 through two replicas, arrivals noted by a process of its own).
