import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from './storage/database-fixtures.ts';
import {
  type CliRun,
  cliStorageModes,
  credentialsSetArgs,
  runCliProcess as runCli,
} from './support/cli-process.ts';
import { type FakeKaleyra, KALEYRA_RESPONSES, startFakeKaleyra } from './support/fake-kaleyra.ts';
import { probeTestDatabase } from './support/postgres.ts';
import { TEST_ENCRYPTION_KEY, uniqueTeamId } from './support/start-app.ts';

const _root = path.resolve(import.meta.dirname, '..');
const API_KEY = 'Aclikey000000000000000000000000x7';

const pgUrl = await probeTestDatabase();
const modes = cliStorageModes(pgUrl, TEST_ENCRYPTION_KEY);

describe.each(modes)('the CLI on the %s', (_name, storageEnv) => {
  let kaleyra: FakeKaleyra;
  let dataDir: string;
  let env: Record<string, string>;
  let team: string;

  beforeAll(async () => {
    if (!storageEnv) return;
    kaleyra = await startFakeKaleyra();
    dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-'));
    env = { ...storageEnv(dataDir), KALEYRA_BASE_URL: kaleyra.url };
  });
  afterAll(async () => {
    await kaleyra?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach((context) => {
    if (!storageEnv) context.skip();
    kaleyra.reset();
    team = uniqueTeamId();
  });

  /** `credentials set` for the test's team, the key on stdin. */
  const configure = () => runCli(credentialsSetArgs(team), env, `${API_KEY}\n`);

  it('stores credentials, shows them masked, sends, and prints the message_id', async () => {
    const set = await configure();
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).not.toContain(API_KEY);

    const show = await runCli(['credentials', 'show', '--team', team], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('HXIN1234567890IN');
    expect(show.stdout).toContain('Ac••••00x7');
    expect(show.stdout).not.toContain(API_KEY);

    const send = await runCli(
      [
        'send',
        '--team',
        team,
        '--to',
        '+1 650 555 0123',
        '--ref',
        'A-1',
        '--status',
        'Cancelled',
        '--description',
        'Refunded',
      ],
      env,
    );
    expect(send.stderr).toBe('');
    expect(send.code).toBe(0);
    expect(kaleyra.requests).toHaveLength(1);
    const body = kaleyra.requests[0]?.body as {
      messaging_object: {
        to: string;
        template: { components: Array<{ parameters: Array<{ order_status: unknown }> }> };
      };
      extra_info: unknown;
    };
    expect(send.stdout.trim()).toMatch(/^[A-Z0-9]+$/);
    expect(body.messaging_object.to).toBe('+16505550123');
    expect(body.messaging_object.template.components[0]?.parameters[0]?.order_status).toEqual({
      reference_id: 'A-1',
      order: { status: 'canceled', description: 'Refunded' },
    });
    // ref2 names the journal attempt, so status callbacks find it.
    expect(body.extra_info).toEqual({ ref: team, ref1: 'cli', ref2: expect.any(String), wa_source: 'api' });
  });

  it.each([
    ['rbc001', 'RBC001'],
    ['wa401', 'WA401'],
    ['e110', 'E110'],
  ] as const)('prints the mapped %s failure on one line and exits 1', async (key, code) => {
    await configure();
    kaleyra.respondWith({ status: KALEYRA_RESPONSES[key].status, body: KALEYRA_RESPONSES[key].body });
    const send = await runCli(
      ['send', '--team', team, '--to', '+919876543210', '--ref', 'R1', '--status', 'shipped'],
      env,
    );
    expect(send.code).toBe(1);
    expect(send.stdout).toBe('');
    expect(send.stderr).toContain(`[${code}]`);
    expect(send.stderr).not.toContain(API_KEY);
    expect(kaleyra.requests).toHaveLength(1);
  });

  it('refuses invalid input before any send, naming the flag', async () => {
    await configure();
    const send = await runCli(
      ['send', '--team', team, '--to', '98765', '--ref', 'R'.repeat(36), '--status', 'lost'],
      env,
    );
    expect(send.code).toBe(2);
    expect(send.stderr).toContain('--to');
    expect(send.stderr).toContain('--ref');
    expect(send.stderr).toContain('--status');
    expect(kaleyra.requests).toHaveLength(0);
  });

  it('says how to configure an unknown team, and deletes credentials', async () => {
    const send = await runCli(
      ['send', '--team', team, '--to', '+919876543210', '--ref', 'R1', '--status', 'shipped'],
      env,
    );
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('NOT_CONFIGURED');
    expect(send.stderr).toContain(`Workspace ${team} has no Kaleyra credentials`);
    expect(send.stderr).toContain(`orderstatus credentials set --team ${team}`);
    expect(send.stderr).not.toContain('/orderstatus config');
    await configure();
    const deleted = await runCli(['credentials', 'delete', '--team', team], env);
    expect(deleted.code).toBe(0);
    const show = await runCli(['credentials', 'show', '--team', team], env);
    expect(show.code).toBe(1);
    expect(show.stderr).toContain('credentials set');
  });

  it('a Kaleyra it cannot reach: names the host and the error code, and history says Kaleyra never got it', async () => {
    await configure();
    const port = await closedPort();
    const unreachable = { ...env, KALEYRA_BASE_URL: `http://127.0.0.1:${port}` };
    const send = await runCli(
      ['send', '--team', team, '--to', '+919876543210', '--ref', 'NET-1', '--status', 'shipped'],
      unreachable,
    );
    expect(send.code).toBe(1);
    expect(send.stderr.trim().split('\n')).toEqual([
      `error [NETWORK]: orderstatus could not reach Kaleyra at 127.0.0.1:${port} (ECONNREFUSED): Kaleyra never received the request, so nothing was sent. Try again in a minute. Check that this machine reaches Kaleyra (DNS, a proxy or firewall), and KALEYRA_BASE_URL if it is set.`,
    ]);
    const history = await runCli(['history', '--team', team, '--ref', 'NET-1'], env);
    expect(history.code).toBe(0);
    expect(history.stdout).toContain(
      `Not sent: Kaleyra never received the request (NETWORK: ECONNREFUSED from 127.0.0.1:${port}).`,
    );
    expect(history.stdout).not.toContain('Kaleyra refused it');
  });

  it('answers usage mistakes with exit 2 and the usage text', async () => {
    const run = await runCli(['send', '--team'], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: orderstatus');
  });
});

describe('the API key on the command line (issue #10 item 8)', () => {
  const literal = (dataDir: string) =>
    runCli(
      [
        'credentials',
        'set',
        '--team',
        'TLITERAL1',
        '--sid',
        'HXIN1234567890IN',
        '--api-key',
        API_KEY,
        '--pod',
        'in',
        '--business-number',
        '+919876500000',
      ],
      { DATA_DIR: dataDir },
    );

  it('refuses a literal key (it would sit in ps and the shell history) with a one-line hint', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-'));
    try {
      const set = await literal(dataDir);
      expect(set.code).toBe(2);
      expect(set.stderr.trim().split('\n')).toHaveLength(1);
      expect(set.stderr).toContain('--api-key -');
      expect(set.stderr).toContain('KALEYRA_API_KEY');
      expect(set.stderr).not.toContain(API_KEY);
      const show = await runCli(['credentials', 'show', '--team', 'TLITERAL1'], { DATA_DIR: dataDir });
      expect(show.code).toBe(1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('says so when --api-key - finds stdin empty, and what to do', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-key-'));
    try {
      const set = await runCli(credentialsSetArgs(uniqueTeamId()), { DATA_DIR: dataDir }, '\n');
      expect(set.code).toBe(2);
      expect(set.stderr.trim().split('\n')).toEqual([
        'error: --api-key - read the key from stdin, but stdin was empty: pipe it in (printf %s "$KEY" | orderstatus credentials set … --api-key -), or leave --api-key out and set KALEYRA_API_KEY',
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('takes the key from KALEYRA_API_KEY when --api-key is left out', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-'));
    try {
      const args = ['credentials', 'set', '--team', 'TENVKEY01', '--sid', 'HXIN1234567890IN', '--pod', 'in'];
      const set = await runCli([...args, '--business-number', '+919876500000'], {
        DATA_DIR: dataDir,
        KALEYRA_API_KEY: API_KEY,
      });
      expect(set.stderr).toBe('');
      expect(set.code).toBe(0);
      expect(set.stdout).toContain('Ac••••00x7');
      expect(set.stdout).not.toContain(API_KEY);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the CLI’s answers to mistakes (issue #12)', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  const firstLine = (run: CliRun) => run.stderr.split('\n')[0];

  it('answers a usage mistake before any storage is opened', async () => {
    const dataDir = path.join(scratch, 'never-created');
    const run = await runCli(['send', '--team'], { DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(firstLine(run)).toBe(
      'error: --team needs a value: the Slack team id (T…), shown by `/orderstatus help` and in the workspace’s URL (app.slack.com/client/T…/…), or the enterprise id (E…) for an Enterprise Grid org',
    );
    expect(run.stderr).toContain('Usage: orderstatus send');
    expect(existsSync(dataDir)).toBe(false);
    const missing = await runCli(['send', '--ref', 'R1'], { DATA_DIR: dataDir });
    expect(missing.code).toBe(2);
    expect(firstLine(missing)).toMatch(
      /^error: --team is required: the Slack team id \(T…\), shown by `\/orderstatus help`/,
    );
  });

  it('says that an unknown subcommand is unknown', async () => {
    const run = await runCli(['credentials', 'list'], { DATA_DIR: path.join(scratch, 'never-created') });
    expect(run.code).toBe(2);
    expect(firstLine(run)).toBe(
      'error: unknown subcommand credentials list (there are set, show, delete, reencrypt)',
    );
  });

  it('reports an unknown option in its own words', async () => {
    const run = await runCli(['send', '--bogus', '--team', 'T1'], {});
    expect(run.code).toBe(2);
    expect(firstLine(run)).toBe('error: unknown option --bogus');
  });

  it('tells a database outage as the operator needs it, without saying that nothing was sent', async () => {
    const run = await runCli(['credentials', 'show', '--team', 'T1'], {
      DATA_DIR: scratch,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/none`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error [STORAGE_UNAVAILABLE]: orderstatus cannot reach its database right now.',
    );
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr).toContain('DATABASE_URL');
    expect(run.stderr).not.toContain('nothing was sent');
  });

  it('lists every configuration problem at once, each naming its variable once', async () => {
    const run = await runCli(['serve'], { DATA_DIR: scratch, PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'orderstatus: cannot start:',
      '  PORT must be a number between 1 and 65535',
      '  LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
      '  Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (OAuth install)',
      '  SLACK_SIGNING_SECRET is required (Slack app → Basic Information → Signing Secret), or SLACK_APP_TOKEN for Socket Mode',
    ]);
  });
});

describe('the CLI configuration', () => {
  it('stops with one line when DATABASE_URL is set without ENCRYPTION_KEY', async () => {
    const run = await runCli(['credentials', 'show', '--team', 'T1'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('ENCRYPTION_KEY');
  });
});
