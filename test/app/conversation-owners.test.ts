import { describe, expect, it } from 'vitest';
import { waitUntil } from '../support/app-driver.ts';
import { customerSays, settledRow, textMessage, useConversationApp } from '../support/conversation-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';

/**
 * The running app's own services: an order sent with /orderstatus, the customer's answers through
 * Kaleyra's authenticated callback, then who has the conversation (the Slack listeners come with the
 * next round), counted on the server's GET /metrics.
 */
describe('conversation owners in the running app', () => {
  const { t, login } = useConversationApp({ kind: 'embedded' });

  const scrape = async () => (await fetch(new URL('/metrics', t.url))).text();
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };

  it('takes, resolves and reopens the conversation of the order’s thread, mentioning its owner', async () => {
    const before = await scrape();
    const { owners } = t.server.services;
    await sendUpdate(t, 'OWN-1', 'AOWN1000000000001');
    await customerSays(t, login(), { id: 'wamid.OWN-a' });
    const first = await settledRow(t, 'wamid.OWN-a');
    // The order's sender on its first reply, as before anyone takes it.
    expect(await owners.mentionFor(t.team, first.id)).toEqual({ userId: 'UAGENT', as: 'sender' });
    const waiting = await waitUntil(async () => {
      const list = await owners.waiting(t.team, 10);
      return list.conversations[0]?.permalink ? list : undefined;
    });
    expect(waiting.conversations).toMatchObject([
      { incomingId: first.id, referenceId: 'OWN-1', messages: 1, owner: undefined },
    ]);

    const took = await owners.take({
      workspaceId: t.team,
      incomingId: first.id,
      userId: 'UOWNER',
      from: undefined,
    });
    expect(took).toMatchObject({ ok: true, value: { outcome: 'took', owner: 'UOWNER' } });
    expect((await owners.waiting(t.team, 10)).conversations[0]?.owner).toBe('UOWNER');
    const resolved = await owners.resolve({ workspaceId: t.team, incomingId: first.id, userId: 'URESOLVER' });
    expect(resolved).toMatchObject({ ok: true, value: { outcome: 'resolved', by: 'URESOLVER' } });
    expect((await owners.waiting(t.team, 10)).total).toBe(0);

    await customerSays(t, login(), {
      id: 'wamid.OWN-b',
      message: textMessage('It came, but the box is damaged'),
      timestamp: String(Math.floor(Date.now() / 1000) + 1),
    });
    const next = await settledRow(t, 'wamid.OWN-b');
    expect(await owners.reopenOnMessage(t.team, next.id)).toMatchObject({
      owner: 'UOWNER',
      notify: 'UOWNER',
    });
    expect(await owners.mentionFor(t.team, next.id)).toEqual({ userId: 'UOWNER', as: 'owner' });
    expect((await owners.waiting(t.team, 10)).conversations).toMatchObject([
      { incomingId: next.id, messages: 1, owner: 'UOWNER' },
    ]);

    const after = await scrape();
    const grew = (series: string) => value(after, series) - value(before, series);
    expect(grew('orderstatus_conversations_taken_total{how="took"}')).toBe(1);
    expect(grew('orderstatus_conversations_resolved_total')).toBe(1);
    expect(grew('orderstatus_conversations_reopened_total')).toBe(1);
  });
});
