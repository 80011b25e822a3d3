import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openServices } from '../../src/services/open-services.ts';
import { SETTINGS, waitUntil } from '../support/app-driver.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { type KaleyraArrivals, startKaleyraArrivals } from '../support/kaleyra-arrivals.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { type ServerProcess, startServerProcess } from '../support/server-process.ts';
import { postToApp, slashCommandBody } from '../support/slack-request.ts';
import { maxInSlidingSecond } from '../support/sliding-window.ts';
import { TEST_ENCRYPTION_KEY, uniqueTeamId } from '../support/start-app.ts';

/**
 * The rate limit as Kaleyra sees it: 400 one-liners at 40 in flight, each to its own order, through
 * real server processes (one on the embedded database, two replicas on Postgres), their POSTs' arrival
 * times noted by a fake Kaleyra in a thread of its own. No sliding second may hold more than the limit,
 * whatever the timers did: this asserts what went out, not the limiter's numbers.
 */
const pgUrl = await probeTestDatabase();
const LIMIT = 40;
const SENDS = 400;
const CONCURRENCY = 40;
const SECRET = 'exact-rate-limit-signing-secret';

type Setup = { env: Record<string, string>; servers: number; cleanUp?: () => Promise<void> };

const setups: Array<[string, (() => Promise<Setup>) | undefined]> = [
  [
    'one server on the embedded database',
    async () => {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-exact-'));
      return {
        env: { DATA_DIR: dataDir },
        servers: 1,
        cleanUp: () => rm(dataDir, { recursive: true, force: true }),
      };
    },
  ],
  [
    'two replicas on Postgres',
    pgUrl
      ? async () => ({ env: { DATABASE_URL: pgUrl, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY }, servers: 2 })
      : undefined,
  ],
];

describe.each(setups)('the rate limit at Kaleyra, %s', (_name, setUp) => {
  let slack: FakeSlack;
  let kaleyra: KaleyraArrivals;
  let setup: Setup;
  let servers: ServerProcess[] = [];
  const team = uniqueTeamId();
  // A number of its own: no other test's sends share this budget.
  const businessNumber = `+9198765${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;

  beforeAll(async () => {
    if (!setUp) return;
    setup = await setUp();
    [slack, kaleyra] = await Promise.all([startFakeSlack(), startKaleyraArrivals()]);
    const env = {
      ...setup.env,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-exact-rate-limit',
      SLACK_API_URL: slack.url,
      KALEYRA_BASE_URL: kaleyra.url,
      KALEYRA_RATE_LIMIT: String(LIMIT),
      LOG_LEVEL: 'warn',
    };
    // The workspace is set up before the servers start (the embedded database is then theirs).
    const services = await openServices(loadConfig(env), createLogger({ level: 'silent' }), {
      migrate: true,
    });
    try {
      await services.credentials.set(team, { ...SETTINGS, businessNumber }, 'UADMIN');
    } finally {
      await services.close();
    }
    servers = [];
    for (let i = 0; i < setup.servers; i++) servers.push(await startServerProcess(env));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all([slack?.close(), kaleyra?.close()]);
    await setup?.cleanUp?.();
  });

  it.skipIf(!setUp)(
    `lets ${SENDS} sends at C=${CONCURRENCY} out at no more than ${LIMIT} in any sliding second`,
    async () => {
      let next = 0;
      const lanes = Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < SENDS; i = next++) {
          const server = servers[i % servers.length] as ServerProcess;
          const ack = await postToApp(
            server.url,
            slashCommandBody({
              text: `+919876543210 EXACT-${i} shipped`,
              teamId: team,
              userId: 'UAGENT',
              channelId: 'CORDERS',
              responseUrl: slack.responseUrl(`exact-${i}`),
            }),
            { signingSecret: SECRET },
          );
          expect(ack.status).toBe(200);
        }
      });
      await Promise.all(lanes);
      const arrivals = await waitUntil(
        async () => {
          const all = await kaleyra.arrivals();
          return all.length >= SENDS && all;
        },
        (SENDS / LIMIT) * 1000 + 30_000,
        `${SENDS} sends to reach Kaleyra`,
      );
      const references = arrivals.map(([reference]) => reference);
      expect(new Set(references).size).toBe(SENDS); // each sent, once
      expect(arrivals).toHaveLength(SENDS);
      const times = arrivals.map(([, at]) => at);
      if (process.env.RATE_DEBUG) {
        const sorted = [...times].sort((a, b) => a - b);
        const gaps = sorted.slice(1).map((at, i) => Math.round(at - (sorted[i] ?? 0)));
        console.log(
          `${_name}: sliding max ${maxInSlidingSecond(times)}; recorder lag max ${await kaleyra.lagMaxMs()} ms; gaps ${gaps.join(' ')}`,
        );
      }
      expect(maxInSlidingSecond(times)).toBeLessThanOrEqual(LIMIT);
    },
    120_000,
  );
});
