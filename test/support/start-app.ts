import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, type StartOptions, startServer } from '../../src/server.ts';
import { type FakeKaleyra, startFakeKaleyra } from './fake-kaleyra.ts';
import { type FakeSlack, startFakeSlack } from './fake-slack.ts';

export const SIGNING_SECRET = 'test-signing-secret-8f742231b10e8888';
export const BOT_TOKEN = 'xoxb-T1-test-bot-token-0000';
// 32 bytes of base64 for the Postgres mode (embedded mode generates its own).
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export type StorageMode = { kind: 'embedded' } | { kind: 'postgres'; url: string };

export type TestApp = {
  server: RunningServer;
  slack: FakeSlack;
  kaleyra: FakeKaleyra;
  url: string;
  /** The server's DATA_DIR (embedded database, and `encryption.key` when ENCRYPTION_KEY is unset). */
  dataDir: string;
  /** Every log line the server wrote (JSON), for asserting what logs do and do not contain. */
  logs: string[];
  close(): Promise<void>;
};

/** The real server on port 0 with fake Slack and Kaleyra on loopback, on the given storage. */
export async function startTestApp(
  storage: StorageMode,
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'bulk' | 'conversation' | 'media'> = {},
): Promise<TestApp> {
  const slack = await startFakeSlack();
  const kaleyra = await startFakeKaleyra();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-app-'));
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: new Set([SIGNING_SECRET, BOT_TOKEN, TEST_ENCRYPTION_KEY]),
    destination: new Writable({
      write(chunk, _encoding, callback) {
        logs.push(String(chunk));
        callback();
      },
    }),
  });
  const server = await startServer(
    {
      PORT: '0',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.url,
      KALEYRA_BASE_URL: kaleyra.url,
      DATA_DIR: dataDir,
      ...(storage.kind === 'postgres'
        ? { DATABASE_URL: storage.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY }
        : {}),
      ...env,
    },
    { logger, ...options },
  );
  return {
    server,
    slack,
    kaleyra,
    url: server.url,
    dataDir,
    logs,
    async close() {
      await server.stop();
      await Promise.all([slack.close(), kaleyra.close()]);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A workspace id no other test (or parallel test file on the shared database) uses. */
export function uniqueTeamId(): string {
  return `T${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
}
