import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  API_KEY,
  command,
  findOutcome,
  healthz,
  SETTINGS,
  textOf,
  waitUntil,
} from '../support/app-driver.ts';
import { acceptedAs, type FakeKaleyra, startFakeKaleyra } from '../support/fake-kaleyra.ts';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.ts';
import { findFreePort } from '../support/server-process.ts';
import { BOT_TOKEN, SIGNING_SECRET, uniqueTeamId } from '../support/start-app.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const KALEYRA_DELAY_MS = 2000;
const MESSAGE_ID = 'ADRAINEDONSIGTERM01';

type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };
type Run = {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<Exit>;
  text(): string;
};

/** Runs `node <args>` from the repository root, collecting everything it prints. */
function run(args: string[], env: Record<string, string>, stdin = ''): Run {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stdin.end(stdin);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, exited, text: () => output.join('') };
}

describe('SIGTERM drains the real server process (node src/server.ts)', () => {
  let slack: FakeSlack;
  let kaleyra: FakeKaleyra;
  const dataDirs: string[] = [];
  const children: Run[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    kaleyra = await startFakeKaleyra();
  });
  afterEach(() => {
    for (const { child } of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
  afterAll(async () => {
    await Promise.all([slack?.close(), kaleyra?.close()]);
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** Starts the server on a free port with the embedded store, and a configured workspace. */
  async function launch() {
    slack.clear();
    kaleyra.reset();
    kaleyra.respondWith({ ...acceptedAs(MESSAGE_ID), delayMs: KALEYRA_DELAY_MS });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-sigterm-'));
    dataDirs.push(dataDir);
    const port = await findFreePort();
    const base = `http://127.0.0.1:${port}`;
    const PATH = process.env.PATH ?? '';
    const server = run(['src/server.ts'], {
      PATH,
      PORT: String(port),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.url,
      KALEYRA_BASE_URL: kaleyra.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    });
    children.push(server);
    await waitUntil(
      async () => server.child.exitCode !== null || (await healthz(base)).status === 200,
      30_000,
      'the server to be ready',
    );
    expect(server.child.exitCode, server.text()).toBeNull();

    // The CLI stores the credentials through the running server's embedded database (its socket).
    const team = uniqueTeamId();
    const cli = run(
      [
        'src/cli.ts',
        'credentials',
        'set',
        '--team',
        team,
        '--sid',
        SETTINGS.sid,
        '--api-key',
        '-',
        '--pod',
        SETTINGS.pod,
        '--business-number',
        SETTINGS.businessNumber,
      ],
      { PATH, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      `${API_KEY}\n`,
    );
    children.push(cli);
    const cliExit = await cli.exited;
    expect(cliExit.code, cli.text()).toBe(0);

    const oneLiner = (ref: string) => {
      const sent = command({ slack, url: base, team }, `+919876543210 ${ref} shipped`);
      return {
        sent,
        path: sent.path,
        /** The HTTP status, or 0 when nothing accepted the connection. */
        post: () =>
          sent.post().then(
            (response) => response.status,
            () => 0,
          ),
      };
    };
    return { server, base, oneLiner };
  }

  async function exitWithin(server: Run, ms: number): Promise<Exit | undefined> {
    return Promise.race([
      server.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms)),
    ]);
  }

  it('stops taking requests, finishes the in-flight send, posts its outcome and exits 0', async () => {
    const { server, base, oneLiner } = await launch();
    const inFlight = oneLiner('DRAIN-1');
    expect(await inFlight.post()).toBe(200);
    await waitUntil(() => kaleyra.requests.length === 1, 5000, 'the send to reach Kaleyra');
    const requestAt = Date.now();

    server.child.kill('SIGTERM');
    const signalledAt = Date.now();

    // Promptly out of rotation: 503 while draining, or nothing listening at all.
    const health = await waitUntil(
      async () => {
        const h = await healthz(base);
        return h.status !== 200 ? h : undefined;
      },
      5000,
      'healthz to stop answering 200',
    );
    expect([0, 503]).toContain(health.status);
    // Well before the drain ends (25 s): a load balancer stops sending here while sends finish.
    expect(Date.now() - signalledAt).toBeLessThan(5000);

    // A new command is not accepted (503, or the connection is refused).
    const late = oneLiner('DRAIN-2');
    expect([0, 503]).toContain(await late.post());

    const exit = await exitWithin(server, 25_000);
    expect(exit, server.text()).toBeDefined();
    expect(exit?.code, server.text()).toBe(0);
    expect(exit?.signal).toBeNull();
    // It waited for Kaleyra's answer rather than dropping the send.
    expect((exit?.at ?? 0) - requestAt).toBeGreaterThanOrEqual(KALEYRA_DELAY_MS - 200);

    const outcome = findOutcome(slack, inFlight.sent);
    expect(outcome, server.text()).toBeDefined();
    expect(textOf(outcome?.body)).toContain(MESSAGE_ID);
    expect(findOutcome(slack, late.sent)).toBeUndefined();
    expect(kaleyra.requests).toHaveLength(1);

    const logs = server.text();
    expect(logs).toContain('"signal":"SIGTERM"');
    expect(logs).toContain('draining in-flight sends');
    expect(logs).toContain('orderstatus stopped');
    expect(logs).not.toContain('drain timed out');
    expect(logs).not.toContain(API_KEY);
    expect(logs).not.toContain(SIGNING_SECRET);
  }, 60_000);

  it('a second signal while draining (npm forwarding a group signal, Ctrl-C) does not cut the drain short', async () => {
    const { server, oneLiner } = await launch();
    const inFlight = oneLiner('DRAIN-3');
    expect(await inFlight.post()).toBe(200);
    await waitUntil(() => kaleyra.requests.length === 1, 5000, 'the send to reach Kaleyra');

    // What `npm start` in a terminal does on Ctrl-C: the group's SIGINT, then npm's forwarded copy.
    server.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');

    const exit = await exitWithin(server, 25_000);
    expect(exit, server.text()).toMatchObject({ code: 0, signal: null });
    const outcome = findOutcome(slack, inFlight.sent);
    expect(textOf(outcome?.body), server.text()).toContain(MESSAGE_ID);
    expect(server.text()).toContain('already shutting down');
  }, 60_000);
});
