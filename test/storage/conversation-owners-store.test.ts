import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationsRowSchema,
  createConversationOwnersStore,
} from '../../src/storage/conversation-owners-store.ts';
import { deleteWorkspaceRecords, pruneExpired } from '../../src/storage/retention.ts';
import { conversationFixture } from '../support/conversation-fixture.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();

let numbers = 0;
/** A customer number of its own for each conversation (valid for India). */
const customer = () => `+9198765${String(10_000 + (numbers++ % 89_999)).padStart(5, '0')}`;

describe.each(databaseStores('owners', pgUrl))('conversation owners on the %s', (_name, open) => {
  let opened: OpenedDatabase;
  let fixture: Awaited<ReturnType<typeof conversationFixture>>;
  beforeAll(async () => {
    if (!open) return;
    opened = await open();
    fixture = await conversationFixture(opened.db);
  });
  afterAll(async () => {
    await opened?.close();
  });
  const store = () => createConversationOwnersStore(opened.db);
  const take = (workspaceId: string, incomingId: string, userId: string, from?: string) =>
    store().take({ workspaceId, incomingId, userId, from, changeId: randomUUID() });
  const resolve = (workspaceId: string, incomingId: string, userId: string) =>
    store().resolve({ workspaceId, incomingId, userId, changeId: randomUUID() });
  const reopen = (workspaceId: string, incomingId: string) =>
    store().reopen(workspaceId, incomingId, randomUUID());
  const ownerOf = async (workspaceId: string, incomingId: string) =>
    (await store().ofMessage(workspaceId, incomingId))?.state.owner;

  it.skipIf(!open)('the table holds the row type’s columns, and rows read back as it says', async () => {
    const rows = await opened.db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'conversations'`,
    );
    expect(rows.map((row) => row.column_name).sort()).toEqual(
      Object.keys(ConversationsRowSchema.entries).sort(),
    );
    const team = uniqueTeamId();
    const to = customer();
    const order = await fixture.order(team, to, 'ROW-1');
    const message = await fixture.message(team, to, { contextId: order.messageId });
    await take(team, message, 'UOWNER');
    const [row] = await opened.db.query('SELECT * FROM conversations WHERE workspace_id = $1', [team]);
    const parsed = v.parse(v.strictObject(ConversationsRowSchema.entries), row);
    // The number only as its keyed hash.
    expect(parsed).toMatchObject({
      customer_hash: fixture.hashOf(to),
      reference_id: 'ROW-1',
      owner: 'UOWNER',
    });
    expect(JSON.stringify(row)).not.toContain(to.slice(1));
  });

  it.skipIf(!open)(
    'a conversation is the customer’s order: two orders are two, one order’s updates are one, no order is one more',
    async () => {
      const team = uniqueTeamId();
      const to = customer();
      const first = await fixture.order(team, to, 'ORD-A');
      await fixture.order(team, to, 'ORD-B');
      const aboutA = await fixture.message(team, to, { contextId: first.messageId });
      const aboutB = await fixture.message(team, to); // by number: the newest order
      expect(await take(team, aboutA, 'UALICE')).toMatchObject({ owner: 'UALICE', changed: true });
      expect(await ownerOf(team, aboutA)).toBe('UALICE');
      expect(await ownerOf(team, aboutB)).toBeUndefined();

      // A later update of order A (a new attempt, maybe a new thread) is the same conversation.
      const again = await fixture.order(team, to, 'ORD-A', 'USENDER', 'completed');
      const aboutAAgain = await fixture.message(team, to, { contextId: again.messageId });
      expect(await ownerOf(team, aboutAAgain)).toBe('UALICE');

      // The same order sent to another number is another customer's chat.
      const other = customer();
      const toOther = await fixture.order(team, other, 'ORD-A');
      expect(await ownerOf(team, await fixture.message(team, other, { contextId: toOther.messageId }))).toBe(
        undefined,
      );

      // Messages matched to no order are the customer's own conversation.
      const stranger = customer();
      const hello = await fixture.message(team, stranger);
      await take(team, hello, 'UBOB');
      expect(await ownerOf(team, await fixture.message(team, stranger))).toBe('UBOB');
    },
  );

  it.skipIf(!open)('finds a message only in its own workspace', async () => {
    const team = uniqueTeamId();
    const to = customer();
    const order = await fixture.order(team, to, 'ORD-W');
    const message = await fixture.message(team, to, { contextId: order.messageId });
    const elsewhere = uniqueTeamId();
    expect(await take(elsewhere, message, 'UEVE')).toBeUndefined();
    expect(await resolve(elsewhere, message, 'UEVE')).toBeUndefined();
    expect(await reopen(elsewhere, message)).toBeUndefined();
    expect(await store().ofMessage(elsewhere, message)).toBeUndefined();
    expect(await opened.db.query('SELECT 1 FROM conversations WHERE workspace_id = $1', [elsewhere])).toEqual(
      [],
    );
  });

  it.skipIf(!open)(
    'takes from nobody, or from the owner the clicker saw; anyone else having it changes nothing',
    async () => {
      const team = uniqueTeamId();
      const to = customer();
      await fixture.order(team, to, 'ORD-T');
      const message = await fixture.message(team, to);
      const first = await take(team, message, 'UALICE');
      expect(first).toMatchObject({ owner: 'UALICE', previousOwner: undefined, changed: true });
      const mine = await take(team, message, 'UALICE');
      expect(mine).toMatchObject({ owner: 'UALICE', changed: false, ownedSince: first?.ownedSince });
      // Bob saw nobody: Alice has it, and keeps it.
      expect(await take(team, message, 'UBOB')).toMatchObject({ owner: 'UALICE', changed: false });
      // Bob saw Alice: he takes it over.
      const over = await take(team, message, 'UBOB', 'UALICE');
      expect(over).toMatchObject({ owner: 'UBOB', previousOwner: 'UALICE', changed: true });
      expect(over?.ownedSince?.getTime()).toBeGreaterThanOrEqual(first?.ownedSince?.getTime() ?? 0);
      // Carol saw Alice, who no longer has it: Bob keeps it.
      expect(await take(team, message, 'UCAROL', 'UALICE')).toMatchObject({ owner: 'UBOB', changed: false });
    },
  );

  it.skipIf(!open)(
    'resolves once: a second Resolve reads who resolved it and when; the owner stays',
    async () => {
      const team = uniqueTeamId();
      const to = customer();
      await fixture.order(team, to, 'ORD-R');
      const message = await fixture.message(team, to);
      await take(team, message, 'UALICE');
      const done = await resolve(team, message, 'UBOB');
      expect(done).toMatchObject({ resolved: true, resolvedBy: 'UBOB', owner: 'UALICE', changed: true });
      const again = await resolve(team, message, 'UCAROL');
      expect(again).toMatchObject({ resolved: true, resolvedBy: 'UBOB', changed: false });
      expect(again?.resolvedAt).toEqual(done?.resolvedAt);
      // A conversation nobody took may be resolved too.
      const lone = await fixture.message(team, customer());
      expect(await resolve(team, lone, 'UBOB')).toMatchObject({ owner: undefined, resolvedBy: 'UBOB' });
    },
  );

  it.skipIf(!open)(
    'reopens on a message written after the resolution (its second included), not on one written before',
    async () => {
      const team = uniqueTeamId();
      const to = customer();
      await fixture.order(team, to, 'ORD-O');
      const message = await fixture.message(team, to, { sentAt: new Date(Date.now() - 60_000) });
      await take(team, message, 'UALICE');
      const done = await resolve(team, message, 'UBOB');
      const resolvedAt = done?.resolvedAt as Date;
      const second = Math.floor(resolvedAt.getTime() / 1000) * 1000;

      const late = await fixture.message(team, to, { sentAt: new Date(second - 1) });
      expect(await reopen(team, late)).toBeUndefined();
      expect((await store().ofMessage(team, late))?.state.resolved).toBe(true);
      // A STOP or a reaction after it asks for no answer.
      expect(await reopen(team, await fixture.message(team, to, { keyword: true }))).toBeUndefined();
      expect(await reopen(team, await fixture.message(team, to, { type: 'reaction', text: '👍' }))).toBe(
        undefined,
      );

      // WhatsApp stamps whole seconds: the resolution's own second counts as after it.
      const next = await fixture.message(team, to, { sentAt: new Date(second) });
      const reopened = await reopen(team, next);
      expect(reopened).toMatchObject({ resolved: false, owner: 'UALICE', resolvedBy: 'UBOB', resolvedAt });
      expect(reopened?.reopenedAt?.getTime()).toBeGreaterThanOrEqual(resolvedAt.getTime());
      // Once: it is open now.
      expect(await reopen(team, next)).toBeUndefined();
      expect(await reopen(team, await fixture.message(team, to))).toBeUndefined();
    },
  );

  it.skipIf(!open)('of two messages recorded at once after the resolution, one reopens it', async () => {
    const team = uniqueTeamId();
    const to = customer();
    await fixture.order(team, to, 'ORD-2');
    const message = await fixture.message(team, to, { sentAt: new Date(Date.now() - 60_000) });
    await resolve(team, message, 'UBOB');
    const later = new Date(Date.now() + 2_000);
    const [a, b] = await Promise.all([
      fixture.message(team, to, { sentAt: later }),
      fixture.message(team, to, { sentAt: later }),
    ]);
    const reopened = await Promise.all([reopen(team, a), reopen(team, b)]);
    expect(reopened.filter(Boolean)).toHaveLength(1);
  });

  it.skipIf(!open)(
    'retention drops a conversation untouched that long once the customer’s messages are gone; an uninstall drops all',
    async () => {
      const team = uniqueTeamId();
      const quiet = customer();
      const writing = customer();
      await take(team, await fixture.message(team, quiet), 'UALICE');
      await take(team, await fixture.message(team, writing), 'UALICE');
      await opened.db.query(
        `UPDATE conversations SET updated_at = now() - interval '100 days' WHERE workspace_id = $1`,
        [team],
      );
      await opened.db.query(
        `UPDATE incoming_messages SET received_at = now() - interval '100 days'
          WHERE workspace_id = $1 AND customer_hash = $2`,
        [team, fixture.hashOf(quiet)],
      );
      const pruned = await pruneExpired(opened.db, { retentionDays: 90, pauseMs: 0 });
      expect(pruned.conversations).toBeGreaterThanOrEqual(1);
      const left = await opened.db.query<{ customer_hash: string }>(
        'SELECT customer_hash FROM conversations WHERE workspace_id = $1',
        [team],
      );
      expect(left.map((row) => row.customer_hash)).toEqual([fixture.hashOf(writing)]);
      await deleteWorkspaceRecords(opened.db, team);
      expect(await opened.db.query('SELECT 1 FROM conversations WHERE workspace_id = $1', [team])).toEqual(
        [],
      );
    },
  );
});
