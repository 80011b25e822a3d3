import { beforeEach, describe, expect, it } from 'vitest';
import { storageModes, useTestApp } from '../support/app-driver.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { ago, clickReply, customerWrites } from '../support/replies-driver.ts';

const DAY = 24 * 3_600_000;

/**
 * A customer message's own time (WhatsApp's `timestamp`) is believed up to a few minutes ahead of its
 * receipt (clocks differ); a stamp further ahead is not: the message is kept at its receipt time. The
 * 24-hour reply window counts from the earlier of the two, so no stamp can hold it open longer.
 */
describe.each(await storageModes())('a customer message’s time, on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;
  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  const stored = async (incomingId: string) => {
    const [row] = await t.server.services.db.query<{ sent_at: Date; received_at: Date }>(
      'SELECT sent_at, received_at FROM incoming_messages WHERE id = $1',
      [incomingId],
    );
    if (!row) throw new Error('not stored');
    return { sentAt: new Date(row.sent_at).getTime(), receivedAt: new Date(row.received_at).getTime() };
  };

  /** When the reply modal says the window closes (its `<!date^…>`, in ms). */
  async function windowClosesAt(incomingId: string): Promise<number> {
    const { view } = await clickReply(t, incomingId);
    const found = /allows a free-form reply until <!date\^(\d+)\^/.exec(JSON.stringify(view));
    if (!found) throw new Error(`the reply modal names no closing time: ${JSON.stringify(view)}`);
    return Number(found[1]) * 1000;
  }

  it('a message stamped five years ahead is kept at its receipt time; the window counts from receipt', async () => {
    const before = Date.now();
    const incomingId = await customerWrites(t, login, {
      workspaceId: t.team,
      sentAgoMs: -5 * 365 * DAY,
    });
    const after = Date.now();
    const { sentAt, receivedAt } = await stored(incomingId);
    expect(sentAt).toBeGreaterThanOrEqual(before - 1000);
    expect(sentAt).toBeLessThanOrEqual(after + 1000);
    expect(Math.abs(sentAt - receivedAt)).toBeLessThan(5_000);
    const closes = await windowClosesAt(incomingId);
    expect(closes).toBeGreaterThanOrEqual(before + DAY - 1000);
    expect(closes).toBeLessThanOrEqual(after + DAY + 1000);
  });

  it('a message stamped three minutes ahead keeps its stamp; the window still counts from receipt', async () => {
    const before = Date.now();
    const incomingId = await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: -ago.minutes(3) });
    const after = Date.now();
    const { sentAt } = await stored(incomingId);
    expect(sentAt).toBeGreaterThanOrEqual(before + ago.minutes(3) - 1000);
    const closes = await windowClosesAt(incomingId);
    expect(closes).toBeLessThanOrEqual(after + DAY + 1000);
  });
});
