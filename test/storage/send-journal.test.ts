import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedOrderStatus } from '../../src/domain/order-update.ts';
import { createCipher, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { loadKeyedHash } from '../../src/storage/keyed-hash.ts';
import {
  type BeginAttempt,
  createSendJournal,
  DUPLICATE_WINDOW_SECONDS,
  STALE_IN_FLIGHT_SECONDS,
} from '../../src/storage/send-journal.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
const cipher = createCipher(parseEncryptionKeys(Buffer.alloc(32, 3).toString('base64')));

type Opened = OpenedDatabase;
const stores = databaseStores('journal', pgUrl);

const update: ResolvedOrderStatus = {
  to: '+919876543210',
  referenceId: '395001',
  status: 'shipped',
  templateName: 'order_status',
  languageCode: 'en',
};

describe.each(stores)('the send journal on the %s', (_name, open) => {
  let opened: Opened;
  let journal: ReturnType<typeof createSendJournal>;
  const attempt = (
    workspaceId: string,
    extra: Partial<Omit<BeginAttempt, 'text' | 'update'>> & { update?: ResolvedOrderStatus } = {},
  ): BeginAttempt => ({
    workspaceId,
    actor: 'UAGENT',
    channelId: 'CORDERS',
    source: 'slack',
    update,
    force: false,
    ...extra,
  });

  beforeAll(async () => {
    if (!open) return;
    opened = await open();
    journal = createSendJournal(opened.db, await loadKeyedHash(opened.db, cipher, 'keyed-hash-journal-test'));
  });
  afterAll(async () => {
    await opened?.close();
  });

  it.skipIf(!open)('lets exactly one of 20 concurrent identical attempts through', async () => {
    const team = uniqueTeamId();
    const results = await Promise.all(Array.from({ length: 20 }, () => journal.begin(attempt(team))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(19);
    for (const r of refused)
      if (!r.ok) expect(r.previous).toMatchObject({ state: 'in_flight', by: 'UAGENT' });
    const rows = await journal.list(team);
    expect(rows.filter((row) => row.outcome === 'in_flight')).toHaveLength(1);
    expect(rows.filter((row) => row.outcome === 'duplicate')).toHaveLength(19);
  });

  it.skipIf(!open)('stores the customer number masked, never in full', async () => {
    const team = uniqueTeamId();
    await journal.begin(attempt(team));
    const raw = JSON.stringify(
      await opened.db.query('SELECT * FROM send_journal WHERE workspace_id = $1', [team]),
    );
    expect(raw).not.toContain('9876543210');
    expect(raw).toContain('•••• 3210');
    const claims = JSON.stringify(await opened.db.query('SELECT * FROM send_claims'));
    expect(claims).not.toContain('9876543210');
  });

  it.skipIf(!open)('after a send, shows when, by whom and the message_id', async () => {
    const team = uniqueTeamId();
    const first = await journal.begin(attempt(team));
    if (!first.ok) throw new Error('first attempt refused');
    await journal.complete(first.attempt, { outcome: 'sent', messageId: 'MID1' });
    const second = await journal.begin(attempt(team, { actor: 'USECOND' }));
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.previous).toMatchObject({ state: 'sent', by: 'UAGENT', messageId: 'MID1' });
      expect(Date.now() - Date.parse(second.previous.at)).toBeLessThan(60_000);
    }
  });

  it.skipIf(!open)(
    'two processes claiming the same 30 keys at once, in opposite orders: one winner per key, no error',
    async () => {
      const team = uniqueTeamId();
      // A second journal on the same database: another process's statements, batched on their own.
      const other = createSendJournal(
        opened.db,
        await loadKeyedHash(opened.db, cipher, 'keyed-hash-journal-test'),
      );
      const keys = Array.from({ length: 30 }, (_, i) => ({ ...update, referenceId: `X-${i}` }));
      const results = await Promise.all([
        ...keys.map((u) => journal.begin(attempt(team, { update: u }))),
        ...[...keys].reverse().map((u) => other.begin(attempt(team, { update: u, actor: 'UOTHER' }))),
        // A deliberate resend in the same turn is journaled whoever holds the claim.
        journal.begin(attempt(team, { update: { ...update, referenceId: 'X-0' }, force: true })),
      ]);
      const rows = await journal.list(team, 200);
      const inFlight = rows.filter((row) => row.outcome === 'in_flight');
      expect(results.filter((r) => r.ok)).toHaveLength(31);
      expect(inFlight).toHaveLength(31);
      for (const key of keys) {
        const winners = inFlight.filter((row) => row.reference_id === key.referenceId && !row.forced);
        expect(winners, key.referenceId).toHaveLength(1);
      }
      expect(rows.filter((row) => row.outcome === 'duplicate')).toHaveLength(30);
    },
  );

  it.skipIf(!open)('records the outcomes of many sends finishing at once, each on its own row', async () => {
    const team = uniqueTeamId();
    const begun = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        journal.begin(attempt(team, { update: { ...update, referenceId: `B-${i}` } })),
      ),
    );
    const attempts = begun.map((b) => {
      if (!b.ok) throw new Error('refused');
      return b.attempt;
    });
    // Issued in one event-loop turn: they share one statement.
    await Promise.all(
      attempts.map((a, i) =>
        journal.complete(
          a,
          i % 3 === 0 ? { outcome: 'unknown', code: `T${i}` } : { outcome: 'sent', messageId: `M${i}` },
        ),
      ),
    );
    const rows = new Map((await journal.list(team)).map((row) => [row.id, row]));
    for (const [i, a] of attempts.entries()) {
      const row = rows.get(a.attemptId);
      expect(row?.completed_at).not.toBeNull();
      if (i % 3 === 0)
        expect(row).toMatchObject({ outcome: 'unknown', message_id: null, error_code: `T${i}` });
      else expect(row).toMatchObject({ outcome: 'sent', message_id: `M${i}`, error_code: null });
    }
  });

  it.skipIf(!open)(
    'frees the key after a definite rejection, keeps it after an unknown outcome',
    async () => {
      const team = uniqueTeamId();
      const rejected = await journal.begin(attempt(team));
      if (!rejected.ok) throw new Error('refused');
      await journal.complete(rejected.attempt, { outcome: 'failed', code: 'RBC001' });
      const again = await journal.begin(attempt(team));
      expect(again.ok).toBe(true);
      if (!again.ok) return;
      await journal.complete(again.attempt, { outcome: 'unknown', code: 'TIMEOUT' });
      const third = await journal.begin(attempt(team));
      expect(third.ok).toBe(false);
      if (!third.ok) expect(third.previous.state).toBe('unknown');
      const outcomes = (await journal.list(team)).map((row) => row.outcome).sort();
      expect(outcomes).toEqual(['duplicate', 'failed', 'unknown']);
    },
  );

  it.skipIf(!open)('lets a deliberate resend through and records it as forced', async () => {
    const team = uniqueTeamId();
    const first = await journal.begin(attempt(team));
    if (!first.ok) throw new Error('refused');
    await journal.complete(first.attempt, { outcome: 'sent', messageId: 'MID1' });
    const forced = await journal.begin(attempt(team, { force: true }));
    expect(forced.ok).toBe(true);
    const rows = await journal.list(team);
    expect(rows.find((row) => row.forced)?.outcome).toBe('in_flight');
  });

  it.skipIf(!open)(
    'a forced attempt that fails leaves the claim of the send it tried to repeat',
    async () => {
      const team = uniqueTeamId();
      const first = await journal.begin(attempt(team));
      if (!first.ok) throw new Error('refused');
      await journal.complete(first.attempt, { outcome: 'sent', messageId: 'MID1' });
      const forced = await journal.begin(attempt(team, { force: true, actor: 'UFORCE' }));
      if (!forced.ok) throw new Error('forced attempt refused');
      // While the forced attempt is in flight, the guard still names the delivered send.
      const during = await journal.begin(attempt(team, { actor: 'UDURING' }));
      expect(during.ok).toBe(false);
      if (!during.ok) expect(during.previous).toMatchObject({ state: 'sent', messageId: 'MID1' });
      await journal.complete(forced.attempt, { outcome: 'failed', code: 'WA400' });
      const after = await journal.begin(attempt(team, { actor: 'UAFTER' }));
      expect(after.ok).toBe(false);
      if (!after.ok) expect(after.previous).toMatchObject({ state: 'sent', by: 'UAGENT', messageId: 'MID1' });
    },
  );

  it.skipIf(!open)(
    'a forced attempt that is sent (or may have been) takes the claim over with a new window',
    async () => {
      for (const ending of [
        { outcome: 'sent', messageId: 'MID2' },
        { outcome: 'unknown', code: 'TIMEOUT' },
      ] as const) {
        const team = uniqueTeamId();
        const first = await journal.begin(attempt(team));
        if (!first.ok) throw new Error('refused');
        await journal.complete(first.attempt, { outcome: 'sent', messageId: 'MID1' });
        // The first send's window is nearly over.
        await opened.db.query(
          'UPDATE send_claims SET claimed_at = now() - make_interval(secs => $2) WHERE attempt_id = $1',
          [first.attempt.attemptId, DUPLICATE_WINDOW_SECONDS - 5],
        );
        const forced = await journal.begin(attempt(team, { force: true, actor: 'UFORCE' }));
        if (!forced.ok) throw new Error('forced attempt refused');
        await journal.complete(forced.attempt, ending);
        const claims = await opened.db.query<{ attempt_id: string; age: number }>(
          'SELECT attempt_id, extract(epoch FROM now() - claimed_at)::float8 AS age FROM send_claims WHERE attempt_id IN ($1, $2)',
          [first.attempt.attemptId, forced.attempt.attemptId],
        );
        expect(claims).toHaveLength(1);
        expect(claims[0]?.attempt_id).toBe(forced.attempt.attemptId);
        expect(Number(claims[0]?.age)).toBeLessThan(5);
        const after = await journal.begin(attempt(team, { actor: 'UAFTER' }));
        expect(after.ok).toBe(false);
        if (!after.ok) expect(after.previous.by).toBe('UFORCE');
      }
    },
  );

  it.skipIf(!open)('treats a claim older than the window as expired', async () => {
    const team = uniqueTeamId();
    const first = await journal.begin(attempt(team));
    if (!first.ok) throw new Error('refused');
    await journal.complete(first.attempt, { outcome: 'sent', messageId: 'MID1' });
    await opened.db.query(
      `UPDATE send_claims SET claimed_at = now() - make_interval(secs => $2) WHERE attempt_id = $1`,
      [first.attempt.attemptId, DUPLICATE_WINDOW_SECONDS + 1],
    );
    expect((await journal.begin(attempt(team))).ok).toBe(true);
  });

  it.skipIf(!open)(
    'reports an attempt stuck in flight past any send’s duration as of unknown outcome',
    async () => {
      const team = uniqueTeamId();
      const first = await journal.begin(attempt(team));
      if (!first.ok) throw new Error('refused');
      await opened.db.query(
        `UPDATE send_journal SET created_at = now() - make_interval(secs => $2) WHERE id = $1`,
        [first.attempt.attemptId, STALE_IN_FLIGHT_SECONDS + 1],
      );
      const second = await journal.begin(attempt(team));
      expect(second.ok).toBe(false);
      if (!second.ok) expect(second.previous.state).toBe('unknown');
    },
  );

  it.skipIf(!open)('keeps workspaces, numbers, references and statuses apart', async () => {
    const team = uniqueTeamId();
    const other = uniqueTeamId();
    expect((await journal.begin(attempt(team))).ok).toBe(true);
    expect((await journal.begin(attempt(other))).ok).toBe(true);
    expect((await journal.begin(attempt(team, { update: { ...update, status: 'completed' } }))).ok).toBe(
      true,
    );
    expect((await journal.begin(attempt(team, { update: { ...update, referenceId: '395002' } }))).ok).toBe(
      true,
    );
    expect((await journal.begin(attempt(team, { update: { ...update, to: '+16505550123' } }))).ok).toBe(true);
    expect((await journal.list(other)).every((row) => row.workspace_id === other)).toBe(true);
    expect(await journal.list(other)).toHaveLength(1);
  });
});
