import { describe, expect, it } from 'vitest';
import { textOf, waitUntil } from '../support/app-driver.ts';
import { messageOf, messageSays, report, type SentUpdate, sendUpdate } from '../support/delivery-driver.ts';
import { callbackPayload, postCallback } from '../support/kaleyra-callbacks.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { useReplicas } from '../support/replicas.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();

/**
 * Two replicas on one Postgres and one Slack: Kaleyra's callbacks for a message may reach either, and
 * the agent must still see one message in its latest state and each notice once.
 */
describe.skipIf(!pgUrl)('status callbacks across two replicas', () => {
  const r = useReplicas(pgUrl);

  const replies = (sent: SentUpdate) => r.a.slack.repliesTo(sent.channel ?? '', sent.ts ?? '');

  it('shows the latest state whichever replica each status reached, and the failure notice once', async () => {
    const sent = await sendUpdate(r.on(r.a), 'REP-1', 'AREPLICA000000001');
    await Promise.all([
      report(r.on(r.a), r.login, sent, 'sent'),
      report(r.on(r.b), r.login, sent, 'delivered'),
      report(r.on(r.b), r.login, sent, 'read', { timestamp: '1764412920' }),
    ]);
    await messageSays(r.on(r.a), sent, '*Read <!date^1764412920^');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(textOf(messageOf(r.on(r.a), sent))).toContain('*Read <!date^1764412920^');

    const failing = await sendUpdate(r.on(r.a), 'REP-2', 'AREPLICA000000002');
    const answers = await Promise.all([
      report(r.on(r.a), r.login, failing, 'failed', { errorCode: 131049 }),
      report(r.on(r.b), r.login, failing, 'failed', { errorCode: 131049 }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    await messageSays(r.on(r.a), failing, 'Not delivered — 131049');
    await waitUntil(() => replies(failing).length > 0);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(replies(failing)).toHaveLength(1);
    expect(textOf(replies(failing)[0])).toContain('<@UAGENT>');
  });

  it('a rotation made on one replica: the new password works on the other at once, the old one stops within 5 s', async () => {
    const body = callbackPayload({ status: 'sent', messageId: 'ANOBODY0000000001' });
    expect((await postCallback(r.b.url, body, r.login)).status).toBe(200); // B now holds the login in memory
    const rotated = await r.a.server.services.callbackCredentials.rotate(r.team, 'UADMIN');
    expect((await postCallback(r.b.url, body, rotated)).status).toBe(200);
    const rotatedAt = Date.now();
    await waitUntil(
      async () => (await postCallback(r.b.url, body, r.login)).status === 401,
      7000,
      'old refused on B',
    );
    expect(Date.now() - rotatedAt).toBeLessThanOrEqual(5500);
  });

  it('never lets one workspace’s login touch another’s messages on either replica', async () => {
    const sent = await sendUpdate(r.on(r.a), 'REP-3', 'AREPLICA000000003');
    const stranger = await r.b.server.services.callbackCredentials.rotate(uniqueTeamId(), 'UOTHER');
    expect((await report(r.on(r.b), stranger, sent, 'failed', { errorCode: 131026 })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(textOf(messageOf(r.on(r.a), sent))).toContain('waiting for WhatsApp');
    expect(replies(sent)).toHaveLength(0);
  });
});
