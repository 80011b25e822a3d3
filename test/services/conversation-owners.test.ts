import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/describe/describe-error.ts';
import { PLAIN_SURFACE } from '../../src/describe/surface.ts';
import type { TakeOutcome } from '../../src/domain/conversation.ts';
import { ConversationError } from '../../src/errors/conversation-error.ts';
import { createMetrics } from '../../src/metrics.ts';
import { createConversationOwners } from '../../src/services/conversation-owners.ts';
import { observeOwners } from '../../src/services/observe-owners.ts';
import { createConversationOwnersStore } from '../../src/storage/conversation-owners-store.ts';
import { createConversationWaiting } from '../../src/storage/conversation-waiting.ts';
import type { Database } from '../../src/storage/database.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { conversationFixture } from '../support/conversation-fixture.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

let numbers = 0;
const customer = () => `+9199887${String(10_000 + (numbers++ % 89_999)).padStart(5, '0')}`;

const ownersOn = (db: Database, metrics = createMetrics({ defaultMetrics: false })) => ({
  metrics,
  owners: observeOwners(
    createConversationOwners({
      store: createConversationOwnersStore(db),
      waiting: createConversationWaiting(db),
    }),
    metrics,
  ),
});

/** A counter's value as /metrics prints it (0 when the series was never counted). */
async function counted(metrics: ReturnType<typeof createMetrics>, series: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** Of two takes at once with nobody seen: one took it, the other was told who has it. */
function expectOneWinner(outcomes: TakeOutcome[]) {
  const took = outcomes.filter((o) => o.outcome === 'took');
  const told = outcomes.filter((o) => o.outcome === 'owned_by_other');
  expect(took).toHaveLength(1);
  expect(told).toHaveLength(1);
  expect(told[0]?.owner).toBe(took[0]?.owner);
  expect(told[0]?.since).toEqual(took[0]?.since);
}

const unwrap = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

describe.each(databaseStores('ownerservice', pgUrl))('the conversation owners on the %s', (_name, open) => {
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

  it.skipIf(!open)('takes, takes over, resolves and reopens, counting each change once', async () => {
    const { owners, metrics } = ownersOn(opened.db);
    const team = uniqueTeamId();
    const to = customer();
    await fixture.order(team, to, 'ORD-S');
    const message = await fixture.message(team, to);
    const clicked = { workspaceId: team, incomingId: message };

    const took = unwrap(await owners.take({ ...clicked, userId: 'UALICE', from: undefined }));
    expect(took).toMatchObject({ outcome: 'took', owner: 'UALICE' });
    expect(unwrap(await owners.take({ ...clicked, userId: 'UALICE', from: undefined }))).toEqual({
      outcome: 'already_yours',
      owner: 'UALICE',
      since: took.since,
    });
    expect(unwrap(await owners.take({ ...clicked, userId: 'UBOB', from: undefined }))).toEqual({
      outcome: 'owned_by_other',
      owner: 'UALICE',
      since: took.since,
    });
    const over = unwrap(await owners.take({ ...clicked, userId: 'UBOB', from: 'UALICE' }));
    expect(over).toMatchObject({ outcome: 'took_over', owner: 'UBOB', from: 'UALICE' });

    const resolved = unwrap(await owners.resolve({ ...clicked, userId: 'UCAROL' }));
    expect(resolved).toMatchObject({ outcome: 'resolved', by: 'UCAROL', owner: 'UBOB' });
    expect(unwrap(await owners.resolve({ ...clicked, userId: 'UALICE' }))).toEqual({
      outcome: 'already_resolved',
      by: 'UCAROL',
      at: resolved.at,
    });
    expect(await owners.waiting(team, 10)).toEqual({ total: 0, conversations: [] });

    const next = await fixture.message(team, to, { sentAt: new Date(Date.now() + 1_000) });
    expect(await owners.reopenOnMessage(team, next)).toEqual({
      owner: 'UBOB',
      resolvedBy: 'UCAROL',
      resolvedAt: resolved.at,
      notify: 'UBOB',
    });
    expect(await owners.reopenOnMessage(team, next)).toBeUndefined();
    expect(await owners.ownerOf(team, next)).toMatchObject({
      owner: 'UBOB',
      previousOwner: 'UALICE',
      resolved: false,
    });
    expect((await owners.waiting(team, 10)).conversations).toMatchObject([
      { incomingId: next, owner: 'UBOB' },
    ]);

    expect(await counted(metrics, 'orderstatus_conversations_taken_total{how="took"}')).toBe(1);
    expect(await counted(metrics, 'orderstatus_conversations_taken_total{how="took_over"}')).toBe(1);
    expect(await counted(metrics, 'orderstatus_conversations_resolved_total')).toBe(1);
    expect(await counted(metrics, 'orderstatus_conversations_reopened_total')).toBe(1);
  });

  it.skipIf(!open)('a reopened conversation nobody took tells whoever resolved it', async () => {
    const { owners } = ownersOn(opened.db);
    const team = uniqueTeamId();
    const to = customer();
    const message = await fixture.message(team, to, { sentAt: new Date(Date.now() - 60_000) });
    await owners.resolve({ workspaceId: team, incomingId: message, userId: 'UCAROL' });
    const next = await fixture.message(team, to, { sentAt: new Date(Date.now() + 1_000) });
    expect(await owners.reopenOnMessage(team, next)).toMatchObject({ owner: undefined, notify: 'UCAROL' });
  });

  it.skipIf(!open)(
    'mentions the owner on every message; with none, the order’s sender on its first reply only',
    async () => {
      const { owners } = ownersOn(opened.db);
      const team = uniqueTeamId();
      const to = customer();
      await fixture.order(team, to, 'ORD-M', 'USENDER');
      const first = await fixture.message(team, to);
      const second = await fixture.message(team, to);
      expect(await owners.mentionFor(team, first)).toEqual({ userId: 'USENDER', as: 'sender' });
      expect(await owners.mentionFor(team, second)).toBeUndefined();
      await owners.take({ workspaceId: team, incomingId: second, userId: 'UALICE', from: undefined });
      const third = await fixture.message(team, to);
      for (const message of [first, second, third]) {
        expect(await owners.mentionFor(team, message)).toEqual({ userId: 'UALICE', as: 'owner' });
      }
      // An order sent from the CLI has no one to mention before someone takes it.
      const viaCli = customer();
      await fixture.order(team, viaCli, 'ORD-CLI', 'cli');
      expect(await owners.mentionFor(team, await fixture.message(team, viaCli))).toBeUndefined();
      expect(await owners.mentionFor(uniqueTeamId(), first)).toBeUndefined();
    },
  );

  it.skipIf(!open)(
    'a click on a message not stored in the workspace changes nothing and says why',
    async () => {
      const { owners, metrics } = ownersOn(opened.db);
      const to = customer();
      const message = await fixture.message(uniqueTeamId(), to);
      const elsewhere = { workspaceId: uniqueTeamId(), incomingId: message, userId: 'UALICE' };
      const take = await owners.take({ ...elsewhere, from: undefined });
      const resolve = await owners.resolve(elsewhere);
      for (const [result, words] of [
        [take, 'so nobody took its conversation'],
        [resolve, 'so nothing was resolved its conversation'],
      ] as const) {
        expect(result.ok).toBe(false);
        if (result.ok) continue;
        expect(result.error).toBeInstanceOf(ConversationError);
        const described = describeError(result.error, PLAIN_SURFACE);
        expect(described.code).toBe('MESSAGE_NOT_FOUND');
        expect(described.summary).toContain(words);
      }
      expect(await counted(metrics, 'orderstatus_conversations_taken_total{how="took"}')).toBe(0);
      await expect(owners.take({ ...elsewhere, userId: 'cli', from: undefined })).rejects.toThrow(TypeError);
    },
  );

  it.skipIf(!open)('two takes at once: one takes it, the other is told who has it', async () => {
    const { owners } = ownersOn(opened.db);
    for (let round = 0; round < 5; round++) {
      const team = uniqueTeamId();
      const message = await fixture.message(team, customer());
      const clicked = { workspaceId: team, incomingId: message, from: undefined };
      const outcomes = await Promise.all([
        owners.take({ ...clicked, userId: 'UALICE' }),
        owners.take({ ...clicked, userId: 'UBOB' }),
      ]);
      expectOneWinner(outcomes.map(unwrap));
    }
  });
});

/** Two replicas: each its own pool on the one Postgres, as two processes would be. */
describe.skipIf(!pgUrl)('conversation owners across two replicas', () => {
  const openReplica = () => openDatabase({ databaseUrl: pgUrl, dataDir: '/nonexistent', logger: quiet });
  let a: Database;
  let b: Database;
  let fixture: Awaited<ReturnType<typeof conversationFixture>>;
  beforeAll(async () => {
    [a, b] = await Promise.all([openReplica(), openReplica()]);
    fixture = await conversationFixture(a);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('taking at once on both: one takes it, the other is told; each counts only its own change', async () => {
    const left = ownersOn(a);
    const right = ownersOn(b);
    for (let round = 0; round < 10; round++) {
      const team = uniqueTeamId();
      const message = await fixture.message(team, customer());
      const clicked = { workspaceId: team, incomingId: message, from: undefined };
      const outcomes = await Promise.all([
        left.owners.take({ ...clicked, userId: 'UALICE' }),
        right.owners.take({ ...clicked, userId: 'UBOB' }),
      ]);
      expectOneWinner(outcomes.map(unwrap));
    }
    const took = async (side: typeof left) =>
      counted(side.metrics, 'orderstatus_conversations_taken_total{how="took"}');
    expect((await took(left)) + (await took(right))).toBe(10);
  });

  it('taking over at once from the same owner: one takes it over, the other is told who has it now', async () => {
    const team = uniqueTeamId();
    const message = await fixture.message(team, customer());
    const clicked = { workspaceId: team, incomingId: message };
    await ownersOn(a).owners.take({ ...clicked, userId: 'UALICE', from: undefined });
    const outcomes = (
      await Promise.all([
        ownersOn(a).owners.take({ ...clicked, userId: 'UBOB', from: 'UALICE' }),
        ownersOn(b).owners.take({ ...clicked, userId: 'UCAROL', from: 'UALICE' }),
      ])
    ).map(unwrap);
    const over = outcomes.find((o) => o.outcome === 'took_over');
    const told = outcomes.find((o) => o.outcome === 'owned_by_other');
    expect(over).toMatchObject({ from: 'UALICE' });
    expect(told?.owner).toBe(over?.owner);
  });

  it('resolving on both at once: one resolves it, the other is told who did and when', async () => {
    const team = uniqueTeamId();
    const message = await fixture.message(team, customer());
    const clicked = { workspaceId: team, incomingId: message };
    const outcomes = (
      await Promise.all([
        ownersOn(a).owners.resolve({ ...clicked, userId: 'UALICE' }),
        ownersOn(b).owners.resolve({ ...clicked, userId: 'UBOB' }),
      ])
    ).map(unwrap);
    const done = outcomes.find((o) => o.outcome === 'resolved');
    const told = outcomes.find((o) => o.outcome === 'already_resolved');
    expect(done && told).toBeTruthy();
    expect(told).toMatchObject({ by: done?.by, at: done?.at });
  });
});
