import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSavedReplyName, SAVED_REPLIES_MAX } from '../../src/domain/saved-reply.ts';
import { openDatabase } from '../../src/storage/database.ts';
import { deleteWorkspaceRecords } from '../../src/storage/retention.ts';
import {
  type AddSavedReply,
  createSavedRepliesStore,
  SavedRepliesRowSchema,
} from '../../src/storage/saved-replies-store.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function entry(workspaceId: string, typed: string, text: string, more: Partial<AddSavedReply> = {}) {
  const name = readSavedReplyName(typed);
  if (!name.ok) throw new Error(name.issue);
  return { workspaceId, ...name, text, by: 'UADMIN', replace: false, max: SAVED_REPLIES_MAX, ...more };
}
const keyOf = (typed: string) => {
  const name = readSavedReplyName(typed);
  return name.ok ? name.key : '';
};

describe.each(databaseStores('savedreplies', pgUrl))('saved replies on the %s', (_name, open) => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    if (open) opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });
  const store = () => createSavedRepliesStore(opened.db);

  it.skipIf(!open)('the table holds the row type’s columns, and nothing else', async () => {
    const rows = await opened.db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'saved_replies'`,
    );
    expect(rows.map((row) => row.column_name).sort()).toEqual(
      Object.keys(SavedRepliesRowSchema.entries).sort(),
    );
  });

  it.skipIf(!open)('adds, lists by name whatever the case, gets and removes, per workspace', async () => {
    const team = uniqueTeamId();
    const other = uniqueTeamId();
    const replies = store();
    const added = await replies.add(entry(team, 'running late', 'Hi {name}, sorry for the wait.'));
    expect(added).toMatchObject({
      outcome: 'added',
      reply: { name: 'running late', text: 'Hi {name}, sorry for the wait.', savedBy: 'UADMIN' },
    });
    await replies.add(entry(team, 'Delivered', 'Delivered: {order}'));
    await replies.add(entry(team, 'Ämter', 'After A, as people sort'));
    await replies.add(entry(team, 'address', 'What is your address?'));
    await replies.add(entry(team, 'reply 10', 'x'));
    await replies.add(entry(team, 'reply 2', 'x'));
    await replies.add(entry(other, 'Delivered', 'Another workspace’s'));
    expect((await replies.list(team)).map((r) => r.name)).toEqual([
      'address',
      'Ämter',
      'Delivered',
      'reply 2',
      'reply 10',
      'running late',
    ]);
    expect(await replies.count(team)).toBe(6);
    expect(await replies.get(team, keyOf('DELIVERED'))).toMatchObject({ text: 'Delivered: {order}' });
    expect(await replies.get(team, keyOf('nope'))).toBeUndefined();

    expect(await replies.remove(team, keyOf('RUNNING LATE'))).toMatchObject({ name: 'running late' });
    expect(await replies.remove(team, keyOf('running late'))).toBeUndefined();
    expect((await replies.list(other)).map((r) => r.text)).toEqual(['Another workspace’s']);
  });

  it.skipIf(!open)(
    'refuses a name that exists whatever its case, and replaces it only when asked',
    async () => {
      const team = uniqueTeamId();
      const replies = store();
      await replies.add(entry(team, 'Delayed', 'First text'));
      const again = await replies.add(entry(team, 'DELAYED', 'Second text', { by: 'cli' }));
      expect(again).toMatchObject({ outcome: 'exists', existing: { name: 'Delayed', text: 'First text' } });
      const replaced = await replies.add(entry(team, 'delayed', 'Third text', { by: 'cli', replace: true }));
      expect(replaced).toMatchObject({ outcome: 'replaced', reply: { name: 'delayed', text: 'Third text' } });
      expect(await replies.list(team)).toMatchObject([
        { name: 'delayed', text: 'Third text', savedBy: 'cli' },
      ]);
      // Replacing a name that is not there adds it.
      expect(await replies.add(entry(team, 'New', 'x', { replace: true }))).toMatchObject({
        outcome: 'added',
      });
    },
  );

  it.skipIf(!open)('keeps at most its bound, then refuses; a removal frees a place', async () => {
    const team = uniqueTeamId();
    const replies = store();
    const max = 3;
    for (const name of ['a', 'b', 'c']) {
      expect(await replies.add(entry(team, name, name, { max }))).toMatchObject({ outcome: 'added' });
    }
    expect(await replies.add(entry(team, 'd', 'd', { max }))).toEqual({ outcome: 'full' });
    // A name that exists is told so, full or not; replacing it takes no new place.
    expect(await replies.add(entry(team, 'B', 'b', { max }))).toMatchObject({ outcome: 'exists' });
    expect(await replies.add(entry(team, 'B', 'b2', { max, replace: true }))).toMatchObject({
      outcome: 'replaced',
    });
    await replies.remove(team, keyOf('a'));
    expect(await replies.add(entry(team, 'd', 'd', { max }))).toMatchObject({ outcome: 'added' });
    expect(await replies.count(team)).toBe(3);
  });

  it.skipIf(!open)('adding at once: one name is added once; the last place is taken once', async () => {
    const team = uniqueTeamId();
    const replies = store();
    const same = await Promise.all([
      replies.add(entry(team, 'Out for delivery', 'One')),
      replies.add(entry(team, 'OUT FOR DELIVERY', 'Two')),
    ]);
    expect(same.map((r) => r.outcome).sort()).toEqual(['added', 'exists']);
    const max = 2;
    const last = await Promise.all([
      replies.add(entry(team, 'left', 'x', { max })),
      replies.add(entry(team, 'right', 'y', { max })),
    ]);
    expect(last.map((r) => r.outcome).sort()).toEqual(['added', 'full']);
    expect(await replies.count(team)).toBe(2);
  });

  it.skipIf(!open)('an uninstalled workspace’s saved replies go with its records', async () => {
    const team = uniqueTeamId();
    const replies = store();
    await replies.add(entry(team, 'Gone soon', 'x'));
    await deleteWorkspaceRecords(opened.db, team);
    expect(await replies.list(team)).toEqual([]);
  });
});

/** Two replicas: each its own pool on the one Postgres, as two processes would be. */
describe.skipIf(!pgUrl)('saved replies across two replicas', () => {
  const openReplica = () => openDatabase({ databaseUrl: pgUrl, dataDir: '/nonexistent', logger: quiet });
  let a: Awaited<ReturnType<typeof openReplica>>;
  let b: Awaited<ReturnType<typeof openReplica>>;
  beforeAll(async () => {
    [a, b] = await Promise.all([openReplica(), openReplica()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('the same name added on both at once: one wins, the other is told it exists', async () => {
    for (let round = 0; round < 10; round++) {
      const team = uniqueTeamId();
      const outcomes = await Promise.all([
        createSavedRepliesStore(a).add(entry(team, 'Running late', 'From A')),
        createSavedRepliesStore(b).add(entry(team, 'running LATE', 'From B')),
      ]);
      const won = outcomes.find((o) => o.outcome === 'added');
      const told = outcomes.find((o) => o.outcome === 'exists');
      expect(won && told).toBeTruthy();
      // The one told sees the winner's reply, and the winner's is the only one kept.
      if (won?.outcome !== 'added' || told?.outcome !== 'exists') return;
      expect(told.existing).toEqual(won.reply);
      expect(await createSavedRepliesStore(b).list(team)).toEqual([won.reply]);
    }
  });

  it('many names at once on both, with room for a few: exactly the bound is kept', async () => {
    const team = uniqueTeamId();
    const max = 5;
    const names = Array.from({ length: 12 }, (_, i) => `reply ${i}`);
    const outcomes = await Promise.all(
      names.map((name, i) => createSavedRepliesStore(i % 2 ? a : b).add(entry(team, name, name, { max }))),
    );
    expect(outcomes.filter((o) => o.outcome === 'added')).toHaveLength(max);
    expect(outcomes.filter((o) => o.outcome === 'full')).toHaveLength(names.length - max);
    expect(await createSavedRepliesStore(a).count(team)).toBe(max);
  });
});
