import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceCredentials } from '../../src/domain/workspace-settings.ts';
import { StorageError } from '../../src/errors/storage-error.ts';
import { createKaleyraClient } from '../../src/kaleyra/client.ts';
import { createSendRateLimiter } from '../../src/services/rate-limiter.ts';
import { createOrderStatusService } from '../../src/services/send-order-status.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { migrate } from '../../src/storage/migrations.ts';
import type { AttemptOutcome } from '../../src/storage/send-journal.ts';
import {
  channelOutcomesNaming,
  SETTINGS,
  storageModes,
  testDatabaseUrl,
  useTestApp,
} from '../support/app-driver.ts';
import { type FakeKaleyra, startFakeKaleyra } from '../support/fake-kaleyra.ts';
import { postToApp, slashCommandBody } from '../support/slack-request.ts';
import { maxInSlidingSecond, maxInWindow } from '../support/sliding-window.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

const pgUrl = await testDatabaseUrl();
/** How much an arrival at the fake Kaleyra may lag its release in one busy test process. */
const ARRIVAL_JITTER_MS = 25;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/** A bucket no other test (or worker on the shared database) uses. */
const uniqueBucket = () => `+9198${randomBytes(4).readUInt32BE() % 100_000_000}`.padEnd(13, '0');

/** Two Databases on one store: two "processes" sharing the budget. */
type Pair = { a: Database; b: Database; close(): Promise<void> };
const stores: Array<[string, (() => Promise<Pair>) | undefined]> = [
  [
    'embedded store',
    async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-rate-'));
      const a = await openDatabase({ dataDir, logger: quiet });
      await migrate(a);
      // The second open finds the folder held and talks to the first one's socket, as a CLI would.
      const b = await openDatabase({ dataDir, logger: quiet });
      return {
        a,
        b,
        close: async () => {
          await b.close();
          await a.close();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'Postgres',
    pgUrl
      ? async () => {
          const a = await openDatabase({ databaseUrl: pgUrl, dataDir: '/nonexistent', logger: quiet });
          const b = await openDatabase({ databaseUrl: pgUrl, dataDir: '/nonexistent', logger: quiet });
          return { a, b, close: async () => void (await Promise.all([a.close(), b.close()])) };
        }
      : undefined,
  ],
];

describe.each(stores)('the shared send-rate budget on the %s', (_name, open) => {
  let pair: Pair;
  beforeAll(async () => {
    if (open) pair = await open();
  });
  afterAll(async () => {
    await pair?.close();
  });

  it.skipIf(!open)(
    'lets two instances at 10/s through 35 sends, never more than 10 in a second of the database clock',
    async () => {
      const bucket = uniqueBucket();
      const first = createSendRateLimiter({ limitPerSecond: 10, db: pair.a });
      const second = createSendRateLimiter({ limitPerSecond: 10, db: pair.b });
      await startOfNextSecond();
      const started = Date.now();
      const resolvedAt: number[] = [];
      const slots: number[] = [];
      await Promise.all(
        Array.from({ length: 35 }, (_, i) =>
          (i % 2 === 0 ? first : second).acquire(bucket).then((slot) => {
            resolvedAt.push(Date.now());
            slots.push(slot.at);
          }),
        ),
      );
      const elapsed = Date.now() - started;

      expect(resolvedAt).toHaveLength(35); // nothing dropped
      // The slots as the database handed them out, on its clock: one interval apart, so at most 10
      // in any calendar second of that clock.
      const perDatabaseSecond = countPerSecond(slots);
      expect([...perDatabaseSecond.values()].reduce((sum, used) => sum + used, 0)).toBe(35);
      for (const used of perDatabaseSecond.values()) expect(used).toBeLessThanOrEqual(10);
      const sorted = [...slots].sort((a, b) => a - b);
      for (const [i, at] of sorted.entries())
        if (i > 0) expect(at - (sorted[i - 1] ?? 0)).toBeGreaterThan(99.9);
      // 35 at 10 a second spans at least four calendar seconds: three full waits.
      expect(perDatabaseSecond.size).toBeGreaterThanOrEqual(4);
      const seconds = [...perDatabaseSecond.keys()];
      expect(Math.max(...seconds) - Math.min(...seconds)).toBeGreaterThanOrEqual(3);
      expect(elapsed).toBeGreaterThan(2900);
      // Seen from here (same host, same clock) too: what the limit promises, a sliding second, +1.
      expect(maxInSlidingSecond(resolvedAt)).toBeLessThanOrEqual(11);
    },
    20_000,
  );

  it.skipIf(!open)(
    'never lets more than the limit (+1) out in any sliding second: 60 queued at 20/s over two instances, from late in a second',
    async () => {
      const bucket = uniqueBucket();
      const first = createSendRateLimiter({ limitPerSecond: 20, db: pair.a });
      const second = createSendRateLimiter({ limitPerSecond: 20, db: pair.b });
      // 850 ms into a second: a calendar-second window lets a full second's worth out here and
      // another at the next boundary, 150 ms later.
      await new Promise((resolve) => setTimeout(resolve, 1850 - (Date.now() % 1000)));
      const released: number[] = [];
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          (i % 2 === 0 ? first : second).acquire(bucket).then(() => released.push(Date.now())),
        ),
      );
      expect(released).toHaveLength(60); // nothing dropped
      const most = maxInSlidingSecond(released);
      if (process.env.RATE_DEBUG) console.log(`${_name}: at most ${most} of 60 in a sliding second at 20/s`);
      expect(most).toBeLessThanOrEqual(21);
      // And no slower than the limit allows: 60 at 20/s is about three seconds, not much more.
      expect(Math.max(...released) - Math.min(...released)).toBeGreaterThan(2800);
      expect(Math.max(...released) - Math.min(...released)).toBeLessThan(6000);
    },
    20_000,
  );

  it.skipIf(!open)('keeps one business number’s budget apart from another’s', async () => {
    const limiter = createSendRateLimiter({ limitPerSecond: 5, db: pair.a });
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 5 }, () => limiter.acquire(uniqueBucket())),
      ...Array.from({ length: 5 }, () => limiter.acquire(uniqueBucket())),
    ]);
    // Ten sends, five per number: both fit in one second (unless started past the cut-off).
    expect(Date.now() - started).toBeLessThan(1200);
  });
});

describe('the in-process send-rate budget', () => {
  it('serves a burst first come, first served, and drops nothing', async () => {
    const limiter = createSendRateLimiter({ limitPerSecond: 4 });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => limiter.acquire('+15550001').then(() => order.push(i))),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('spaces a burst one interval apart instead of letting it out at once', async () => {
    const limiter = createSendRateLimiter({ limitPerSecond: 10 });
    const started = Date.now();
    const slots = await Promise.all(Array.from({ length: 5 }, () => limiter.acquire('+15550002')));
    const gaps = slots.slice(1).map((slot, i) => slot.at - (slots[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeCloseTo(100, 6);
    // The first goes at once, the fifth four intervals later.
    expect(Date.now() - started).toBeGreaterThanOrEqual(395);
  });

  it('refuses nonsense limits', () => {
    expect(() => createSendRateLimiter({ limitPerSecond: 0 })).toThrow(RangeError);
    expect(() => createSendRateLimiter({ limitPerSecond: 1.5 })).toThrow(RangeError);
  });
});

describe('when the shared budget cannot be reached', () => {
  let down: Database;
  let kaleyra: FakeKaleyra;
  beforeAll(async () => {
    // Nothing listens on port 1: every query fails to connect.
    down = await openDatabase({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
      dataDir: '/nonexistent',
      logger: quiet,
      connectionTimeoutMillis: 500,
    });
    kaleyra = await startFakeKaleyra();
  });
  afterAll(async () => {
    await down.close();
    await kaleyra.close();
  });

  it('rejects every waiter with StorageError', async () => {
    const limiter = createSendRateLimiter({ limitPerSecond: 10, db: down });
    const results = await Promise.allSettled([limiter.acquire('+15550003'), limiter.acquire('+15550003')]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StorageError);
    }
  });

  it('sends nothing, reports a storage error and frees the claim', async () => {
    const completed: AttemptOutcome[] = [];
    const credentials: WorkspaceCredentials = {
      ...SETTINGS,
      updatedBy: 'UADMIN',
      updatedAt: new Date().toISOString(),
    };
    const service = createOrderStatusService({
      credentials: { get: async () => credentials },
      kaleyra: createKaleyraClient({ baseUrlOverride: kaleyra.url, timeoutMs: 2000 }),
      journal: {
        begin: async () => ({ ok: true, attempt: { attemptId: 'a1', dedupeKey: 'k1', forced: false } }),
      },
      recorder: { record: async (_attempt, outcome) => void completed.push(outcome) },
      limiter: createSendRateLimiter({ limitPerSecond: 10, db: down }),
      keyedHash: (purpose, text) => `${purpose}:${text}`,
    });
    const result = await service.sendOrderStatus({
      workspaceId: 'T1',
      request: { to: '+919876543210', referenceId: '395001', status: 'shipped' },
      actor: { kind: 'cli' },
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(StorageError);
    expect(kaleyra.requests).toHaveLength(0);
    expect(completed).toEqual([{ outcome: 'failed', code: 'RATE_LIMIT_UNAVAILABLE' }]);
  });
});

describe.each(await storageModes())('a burst through the app on the %s', (_name, storage) => {
  const t = useTestApp(storage, { env: { KALEYRA_RATE_LIMIT: '80', LOG_LEVEL: 'warn' }, configure: false });

  it('keeps 200 sends at 80/s as Kaleyra sees them, and answers every one', async () => {
    await t.server.services.credentials.set(
      t.team,
      { ...SETTINGS, businessNumber: uniqueBucket() },
      'UADMIN',
    );
    const arrivals: number[] = [];
    let counter = 0;
    t.kaleyra.respondWith(() => {
      arrivals.push(Date.now());
      counter += 1;
      return {
        status: 202,
        body: JSON.stringify({
          code: 'WA202',
          message: 'ok',
          data: { message_id: `M${counter}` },
          error: {},
        }),
      };
    });
    const total = 200;
    // Start just after a second boundary, so the burst's first second is a whole one.
    await startOfNextSecond();
    const acks = await Promise.all(
      Array.from({ length: total }, (_, i) =>
        postToApp(
          t.url,
          slashCommandBody({
            text: `+919876543210 BURST-${i} shipped`,
            teamId: t.team,
            userId: 'UAGENT',
            channelId: 'CORDERS',
            responseUrl: t.slack.responseUrl(`burst-${i}`),
          }),
          { signingSecret: SIGNING_SECRET },
        ),
      ),
    );
    for (const ack of acks) expect(ack.status).toBe(200);

    const posts = await t.slack.waitFor((s) => {
      const ours = channelOutcomesNaming(s, 'CORDERS', 'BURST-');
      return ours.length >= total && ours;
    }, 20_000);
    const answered = posts.map((p) => JSON.stringify(p.body).match(/BURST-\d+/)?.[0]);
    expect(new Set(answered).size).toBe(total); // each answered once
    for (const post of posts) expect(JSON.stringify(post.body)).toMatch(/M\d+/); // each with a message_id
    expect(t.kaleyra.requests).toHaveLength(total); // each sent once
    const references = t.kaleyra.requests.map((r) => JSON.stringify(r.body).match(/BURST-\d+/)?.[0]);
    expect(new Set(references).size).toBe(total);
    const perSecond = countPerSecond(arrivals);
    if (process.env.RATE_DEBUG)
      console.log(
        `${_name}: per calendar second ${[...perSecond.values()]}, sliding max ${maxInSlidingSecond(arrivals)}`,
      );
    // The promise (no sliding second over 80, +1 at its ends) is asserted exactly on the database's
    // slots in the limiter tests above. Seen from Kaleyra's side of loopback, sends 12.5 ms apart
    // arrive with a few ms of jitter from a busy event loop: allowed for by a window 25 ms short.
    // (A calendar-second count is the wrong measure: the fixed window it came from let 160 through
    // in one sliding second.)
    expect(maxInWindow(arrivals, 1000 - ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(81);
    expect(perSecond.size).toBeGreaterThanOrEqual(3); // 200 at 80/s cannot fit in two seconds
  }, 40_000);
});

/** Waits until just after the next calendar second starts (the database shares this host's clock). */
function startOfNextSecond(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1020 - (Date.now() % 1000)));
}

function countPerSecond(times: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const time of times) {
    const second = Math.floor(time / 1000);
    counts.set(second, (counts.get(second) ?? 0) + 1);
  }
  return counts;
}
