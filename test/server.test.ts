import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFreePort } from './support/server-process.ts';

const root = path.resolve(import.meta.dirname, '..');

/** `node src/server.ts` from the repository root with `env` and PATH only, collecting its stderr. */
function spawnServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, closed, stderr: () => stderr };
}

describe('the server process', () => {
  it('answers /healthz 503 while starting, then 200 with the database state', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-health-'));
    const port = await findFreePort();
    const started = Date.now();
    const { child, closed, stderr } = spawnServer({
      PORT: String(port),
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_BOT_TOKEN: 'xoxb-health',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    const seen: string[] = [];
    try {
      for (;;) {
        expect(Date.now() - started, stderr()).toBeLessThan(30_000);
        const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (response) {
          const body = await response.text();
          if (seen.at(-1) !== `${response.status} ${body}`) seen.push(`${response.status} ${body}`);
          if (response.status === 200) break;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen[0]).toBe('503 {"status":"starting"}');
      expect(seen.at(-1)).toBe('200 {"status":"ok","database":"up"}');
      const unknown = await fetch(`http://127.0.0.1:${port}/nope`);
      expect(unknown.status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      await closed;
      await rm(dataDir, { recursive: true, force: true });
    }
    expect(child.exitCode).toBe(0);
  });

  it('stops with one clear line when the configuration is incomplete', async () => {
    const { closed, stderr } = spawnServer({ SLACK_BOT_TOKEN: 'xoxb-1' });
    const code = await closed;
    expect(code).toBe(1);
    expect(stderr().trim().split('\n')).toEqual([
      'orderstatus: cannot start: SLACK_SIGNING_SECRET is required (Slack app → Basic Information → Signing Secret), or SLACK_APP_TOKEN for Socket Mode',
    ]);
  });
});

describe('a start that fails', () => {
  it('prints the cause chain under "cannot start" (the embedded database’s real cause)', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cause-'));
    // Where PGlite keeps its files, a file: it cannot make its folder there.
    await writeFile(path.join(dataDir, 'pglite'), 'not a folder');
    try {
      const { closed, stderr } = spawnServer({
        PORT: '0',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_BOT_TOKEN: 'xoxb-cause',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      });
      expect(await closed).toBe(1);
      expect(stderr().trim().split('\n')).toEqual([
        `orderstatus: cannot start: Could not open the embedded database in ${dataDir}.`,
        `  because: PGlite's file system failed: ENOTDIR: a path that must be a folder is a file (in ${path.join(dataDir, 'pglite')})`,
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Socket Mode', () => {
  it('asks the configured Slack API for a connection with the app token, and stops clearly when refused', async () => {
    const { startFakeSlack } = await import('./support/fake-slack.ts');
    const slack = await startFakeSlack();
    slack.setResponse('apps.connections.open', { ok: false, error: 'invalid_auth' });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-socket-'));
    try {
      const { closed, stderr } = spawnServer({
        PORT: String(await findFreePort()),
        SLACK_APP_TOKEN: 'xapp-1-A1-socket-test',
        SLACK_BOT_TOKEN: 'xoxb-socket',
        SLACK_API_URL: slack.url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      });
      const code = await closed;
      expect(code).toBe(1);
      expect(stderr().trim()).toBe(
        'orderstatus: cannot start: Socket Mode could not connect to Slack (An API error occurred: invalid_auth): check SLACK_APP_TOKEN',
      );
      const opened = slack.callsTo('apps.connections.open');
      expect(opened.length).toBeGreaterThanOrEqual(1);
      expect(opened[0]?.token).toBe('xapp-1-A1-socket-test');
    } finally {
      await slack.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('names the address it tried and exits 1 within 60 s when Slack cannot be reached', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-socket-'));
    // A port nothing listens on: every request is refused.
    const closed = await findFreePort();
    const started = Date.now();
    try {
      const run = spawnServer({
        PORT: String(await findFreePort()),
        SLACK_APP_TOKEN: 'xapp-1-A1-socket-test',
        SLACK_BOT_TOKEN: 'xoxb-socket',
        SLACK_API_URL: `http://127.0.0.1:${closed}/api/`,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
      });
      expect(await run.closed).toBe(1);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(run.stderr().trim()).toBe(
        `orderstatus: cannot start: Socket Mode could not reach Slack at http://127.0.0.1:${closed}/api/apps.connections.open (ECONNREFUSED), tried for 30 s: check that this machine reaches Slack (a proxy or firewall?), and SLACK_API_URL if it is set`,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
