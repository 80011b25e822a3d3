import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationOwnersStore } from '../../src/storage/conversation-owners-store.ts';
import { createConversationWaiting } from '../../src/storage/conversation-waiting.ts';
import { conversationFixture } from '../support/conversation-fixture.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();

let numbers = 0;
const customer = () => `+9198123${String(10_000 + (numbers++ % 89_999)).padStart(5, '0')}`;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe.each(databaseStores('waiting', pgUrl))(
  'customers waiting for an answer on the %s',
  (_name, open) => {
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
    const waiting = (team: string, limit = 10) => createConversationWaiting(opened.db).waiting(team, limit);
    const owners = () => createConversationOwnersStore(opened.db);

    it.skipIf(!open)(
      'one entry per conversation: its owner, since the oldest unanswered message, longest wait first',
      async () => {
        const team = uniqueTeamId();
        const asha = customer();
        const ravi = customer();
        const first = await fixture.order(team, asha, 'ORD-1');
        await fixture.order(team, asha, 'ORD-2');
        const oldest = minutesAgo(50);
        const a1 = await fixture.message(team, asha, { contextId: first.messageId, sentAt: oldest });
        await fixture.message(team, asha, { contextId: first.messageId, sentAt: minutesAgo(40) });
        const b1 = await fixture.message(team, asha, { sentAt: minutesAgo(30) });
        const lone = await fixture.message(team, ravi, { sentAt: minutesAgo(45) });
        await owners().take({
          workspaceId: team,
          incomingId: a1,
          userId: 'UALICE',
          from: undefined,
          changeId: randomUUID(),
        });
        // A consent keyword and a reaction ask for no answer.
        await fixture.message(team, ravi, { keyword: true });
        await fixture.message(team, customer(), { type: 'reaction', text: '👍' });

        const list = await waiting(team);
        expect(list.total).toBe(3);
        expect(list.conversations).toMatchObject([
          { referenceId: 'ORD-1', messages: 2, waitingSince: oldest, owner: 'UALICE' },
          { incomingId: lone, referenceId: undefined, messages: 1, owner: undefined },
          { incomingId: b1, referenceId: 'ORD-2', messages: 1, owner: undefined },
        ]);
        expect(list.conversations[0]?.ownedSince).toBeInstanceOf(Date);
        expect(list.conversations[0]?.permalink).toMatch(/^https:\/\/example\.slack\.com\//);
        expect(list.conversations[0]?.customerMasked).toContain('••');

        const first2 = await waiting(team, 2);
        expect(first2.total).toBe(3);
        expect(first2.conversations).toHaveLength(2);
        expect(await waiting(uniqueTeamId())).toEqual({ total: 0, conversations: [] });
      },
    );

    it.skipIf(!open)(
      'a reply answers the customer; a resolved conversation leaves the list; a later message brings back only itself',
      async () => {
        const team = uniqueTeamId();
        const asha = customer();
        const ravi = customer();
        await fixture.order(team, asha, 'ORD-3');
        await fixture.order(team, ravi, 'ORD-4');
        const before = await fixture.message(team, asha, { sentAt: minutesAgo(20) });
        await fixture.message(team, ravi, { sentAt: minutesAgo(10) });
        expect((await waiting(team)).total).toBe(2);

        await fixture.reply(team, ravi);
        expect((await waiting(team)).conversations.map((c) => c.referenceId)).toEqual(['ORD-3']);

        await owners().resolve({
          workspaceId: team,
          incomingId: before,
          userId: 'UBOB',
          changeId: randomUUID(),
        });
        expect(await waiting(team)).toEqual({ total: 0, conversations: [] });
        // Written before the resolution and arriving late: it stays resolved.
        await fixture.message(team, asha, { sentAt: minutesAgo(5) });
        expect((await waiting(team)).total).toBe(0);

        const after = new Date(Date.now() + 1_000);
        const again = await fixture.message(team, asha, { sentAt: after });
        await owners().reopen(team, again, randomUUID());
        expect((await waiting(team)).conversations).toMatchObject([
          { incomingId: again, messages: 1, waitingSince: after, owner: undefined },
        ]);
      },
    );

    it.skipIf(!open)(
      'a message already in when Resolve is clicked neither waits nor reopens it, even stamped after the click',
      async () => {
        const team = uniqueTeamId();
        const asha = customer();
        await fixture.order(team, asha, 'ORD-5');
        // The customer's phone clock runs a little ahead: stamped after the click, received before it.
        const seen = await fixture.message(team, asha, { sentAt: new Date(Date.now() + 2_000) });
        await owners().resolve({
          workspaceId: team,
          incomingId: seen,
          userId: 'UBOB',
          changeId: randomUUID(),
        });
        expect(await waiting(team)).toEqual({ total: 0, conversations: [] });
        expect(await owners().reopen(team, seen, randomUUID())).toBeUndefined();
      },
    );
  },
);
