import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CALLBACK_SILENCE_MS, judgeCallbackSetup } from '../src/cli/doctor-callbacks-check.ts';
import { DOCTOR_CHECKS, type DoctorCheck } from '../src/cli/doctor-checks.ts';
import { runDoctor } from '../src/cli/doctor-command.ts';
import { type Io, runCli } from '../src/cli/run-cli.ts';
import { type Database, openDatabase } from '../src/storage/database.ts';
import { SCHEMA_VERSION } from '../src/storage/migrations.ts';
import { closedPort } from './storage/database-fixtures.ts';
import { credentialsSetArgs } from './support/cli-process.ts';
import { type FakeKaleyra, KALEYRA_RESPONSES, startFakeKaleyra } from './support/fake-kaleyra.ts';
import { type FakeSlack, startFakeSlack } from './support/fake-slack.ts';
import { BOT_TOKEN, SIGNING_SECRET, TEST_ENCRYPTION_KEY, uniqueTeamId } from './support/start-app.ts';

/** The CLI in this process (the entry point is covered by cli.test.ts): what it printed and its exit code. */
function capture(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: () => stdin };
  return { io, out, err };
}

const notServing = async () => {
  throw new Error('serve is not part of these tests');
};

async function cli(args: string[], env: Record<string, string>, stdin?: string) {
  const { io, out, err } = capture(stdin);
  const code = await runCli(args, env, io, notServing);
  return { code, out, err };
}

describe('orderstatus doctor', () => {
  let dataDir: string;
  let owner: Database;
  let kaleyra: FakeKaleyra;
  let slack: FakeSlack;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-doctor-'));
    // The folder's owner for the whole file, as a running server would be: each of the calls below
    // goes through its socket instead of starting the database itself (cli.test.ts covers that).
    owner = await openDatabase({ dataDir });
    kaleyra = await startFakeKaleyra();
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await kaleyra?.close();
    await slack?.close();
    await owner?.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    kaleyra.reset();
    slack.restoreResponse('auth.test');
    env = {
      DATA_DIR: dataDir,
      KALEYRA_BASE_URL: kaleyra.url,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.url,
    };
  });

  const configure = (team: string, extra: string[] = []) =>
    cli([...credentialsSetArgs(team), ...extra], env, 'Adoctor0000000000000000000000003\n');
  const send = (team: string, ref: string) =>
    cli(['send', '--team', team, '--to', '+919876543210', '--ref', ref, '--status', 'shipped'], env);

  it('lists every configuration problem and what else it could check, and exits 1', async () => {
    const run = await cli(['doctor'], { DATA_DIR: dataDir, PORT: 'abc' });
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      'FAIL  configuration: the server would not start: PORT must be a number between 1 and 65535',
    );
    expect(run.out.filter((line) => line.startsWith('FAIL  configuration'))).toHaveLength(3);
    // PORT is malformed for the CLI too, so nothing that needs the configuration ran.
    expect(run.out).toContain('warn  database: not checked: it needs a working configuration');
    // database, workspaces and callbacks were not checked.
    expect(run.out.at(-1)).toMatch(/^3 problems to fix, 3 to look at\.$/);
  });

  it('judges each workspace by its last send: accepted, refused for its credentials, untested', async () => {
    const good = uniqueTeamId();
    const refused = uniqueTeamId();
    const untested = uniqueTeamId();
    for (const team of [good, refused, untested]) expect((await configure(team)).code).toBe(0);
    expect((await send(good, 'D-1')).code).toBe(0);
    kaleyra.respondWith({ status: KALEYRA_RESPONSES.rbc001.status, body: KALEYRA_RESPONSES.rbc001.body });
    expect((await send(refused, 'D-2')).code).toBe(1);

    const run = await cli(['doctor'], env);
    expect(run.code).toBe(1);
    expect(run.out[0]).toBe(
      `ok    configuration: the embedded database in ${dataDir}; Slack: one workspace over HTTP`,
    );
    expect(run.out).toContain(
      `ok    database: embedded, reachable, schema at version ${SCHEMA_VERSION} of ${SCHEMA_VERSION}`,
    );
    const about = (team: string) => run.out.findIndex((line) => line.includes(`workspace ${team}:`));
    expect(run.out[about(good)]).toMatch(
      /^ok {4}workspace \S+: the last send \(.+\) was accepted by Kaleyra \(message_id \w+\)$/,
    );
    expect(run.out[about(refused)]).toMatch(
      /^FAIL {2}workspace \S+: the last send \(.+\) failed with RBC001: Kaleyra rejected the SID or API key/,
    );
    expect(run.out[about(refused) + 1]).toContain(
      `fix: Enter the Kaleyra SID and API key again with: orderstatus credentials set --team ${refused}`,
    );
    expect(run.out[about(untested)]).toMatch(
      /^warn {2}workspace \S+: nothing sent yet, so its Kaleyra SID and API key are untested$/,
    );

    // New settings after the refusal: no longer known to be wrong, only untested.
    await configure(refused);
    const again = await cli(['doctor'], env);
    expect(again.out[again.out.findIndex((line) => line.includes(`workspace ${refused}:`))]).toMatch(
      /^warn {2}workspace \S+: the last send \(.+\) failed with RBC001, but the settings changed after it/,
    );
  });

  it('asks Slack (auth.test) whether it takes the bot token, and names the variable to fix', async () => {
    const accepted = await cli(['doctor'], env);
    expect(accepted.out).toContain(
      'ok    slack: Slack accepts SLACK_BOT_TOKEN: workspace Fake team (T1) as @orderstatus',
    );
    expect(slack.callsTo('auth.test').at(-1)?.token).toBe(BOT_TOKEN);

    slack.setResponse('auth.test', { ok: false, error: 'invalid_auth' });
    const refused = await cli(['doctor'], env);
    expect(refused.code).toBe(1);
    const line = refused.out.indexOf('FAIL  slack: Slack refused SLACK_BOT_TOKEN (invalid_auth)');
    expect(line).toBeGreaterThanOrEqual(0);
    expect(refused.out[line + 1]).toMatch(
      /^ {6}fix: Set SLACK_BOT_TOKEN to the Bot User OAuth Token \(xoxb-…\)/,
    );
    expect(refused.out.join('\n')).not.toContain(BOT_TOKEN);

    const unreachable = await cli(['doctor'], {
      ...env,
      SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/`,
    });
    expect(unreachable.out).toContainEqual(
      expect.stringMatching(
        /^FAIL {2}slack: could not ask Slack about SLACK_BOT_TOKEN: no answer from http:\/\/127\.0\.0\.1:\d+\/api\/auth\.test \(ECONNREFUSED\)$/,
      ),
    );
  });

  it('says when KALEYRA_BASE_URL overrides every workspace’s pod, and says nothing without it', async () => {
    const run = await cli(['doctor'], env);
    expect(run.out).toContain(
      `warn  kaleyra: KALEYRA_BASE_URL overrides every workspace’s pod: all sends go to ${kaleyra.url}`,
    );
    const { KALEYRA_BASE_URL: _, ...withoutOverride } = env;
    const plain = await cli(['doctor'], withoutOverride);
    expect(plain.out.some((l) => l.includes('KALEYRA_BASE_URL'))).toBe(false);
  });

  it('says when the database cannot be reached, and what it could not check because of it', async () => {
    const run = await cli(['doctor'], {
      ...env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/none`,
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    });
    expect(run.code).toBe(1);
    expect(run.out).toContainEqual(
      expect.stringMatching(/^FAIL {2}database: cannot be reached: .*ECONNREFUSED/),
    );
    expect(run.out).toContain(
      '      fix: Check that Postgres is running and that DATABASE_URL points at it (host, port, database, password).',
    );
    expect(run.out).toContain('warn  workspaces: not checked: it needs a working database');
  });

  it('asks Kaleyra itself (Get Templates) for a workspace with a WABA id, before looking at its sends', async () => {
    const accepted = uniqueTeamId();
    const refused = uniqueTeamId();
    expect((await configure(accepted, ['--waba-id', '120000000000001'])).code).toBe(0);
    expect((await configure(refused, ['--waba-id', '120000000000002'])).code).toBe(0);
    kaleyra.respondWith((request) =>
      request.path.includes('120000000000002')
        ? { status: KALEYRA_RESPONSES.rbc001.status, body: KALEYRA_RESPONSES.rbc001.body }
        : {
            status: 200,
            body: JSON.stringify({
              code: 'WA200',
              data: [{ name: 'order_status', language: 'en', status: 'APPROVED', category: 'UTILITY' }],
            }),
          },
    );
    const run = await cli(['doctor'], env);
    const line = (team: string) => run.out.findIndex((l) => l.includes(`workspace ${team}:`));
    expect(run.out[line(accepted)]).toBe(
      `ok    workspace ${accepted}: Kaleyra accepted its SID and API key (1 approved template)`,
    );
    expect(run.out[line(refused)]).toMatch(
      /^FAIL {2}workspace \S+: Kaleyra refused to list its templates \(RBC001\)/,
    );
    expect(run.out[line(refused) + 1]).toContain(`orderstatus credentials set --team ${refused}`);
    // Nothing was sent to find this out.
    expect(kaleyra.requests.every((request) => request.method === 'GET')).toBe(true);
  });

  it('checks each workspace’s callback login, and says when sends get no callback for an hour', async () => {
    const team = uniqueTeamId();
    expect((await configure(team)).code).toBe(0);
    const before = await cli(['doctor'], env);
    const line = (run: { out: string[] }) => run.out.findIndex((l) => l.includes(`callbacks ${team}:`));
    expect(before.out).toContain(
      'warn  callbacks: PUBLIC_URL is not set, so the callback URL is shown as https://YOUR-HOST/kaleyra/callbacks',
    );
    expect(before.out[line(before)]).toMatch(/^warn {2}callbacks \S+: no callback login/);
    expect(before.out[line(before) + 1]).toContain(`orderstatus callbacks rotate --team ${team}`);

    const withUrl = { ...env, PUBLIC_URL: 'https://orders.example.com' };
    expect((await cli(['callbacks', 'rotate', '--team', team], withUrl)).code).toBe(0);
    expect((await send(team, 'D-CB')).code).toBe(0);
    const fresh = await cli(['doctor'], withUrl);
    expect(fresh.out.some((l) => l.startsWith('warn  callbacks: PUBLIC_URL'))).toBe(false);
    expect(fresh.out[line(fresh)]).toMatch(/^ok {4}callbacks \S+: login cb-\S+; last callback none yet$/);
  });

  it('runs a check added to the list with what the earlier checks found', async () => {
    const seen: string[] = [];
    const extra: DoctorCheck = {
      subject: 'callbacks',
      needs: 'services',
      async run(context) {
        seen.push(context.services?.databaseMode ?? 'none');
        return [{ status: 'fail', subject: 'callbacks', text: 'no callback URL', fix: 'set PUBLIC_URL' }];
      },
    };
    const { io, out } = capture();
    expect(await runDoctor([...DOCTOR_CHECKS, extra], io, env)).toBe(1);
    expect(seen).toEqual(['embedded']);
    expect(out).toContain('FAIL  callbacks: no callback URL');
    expect(out).toContain('      fix: set PUBLIC_URL');
  });
});

describe('the callback setup, judged', () => {
  const login = (lastCallbackAt: Date | null) => ({
    username: 'cb-abc',
    rotatedAt: new Date(0),
    rotatedBy: 'cli',
    lastCallbackAt,
  });
  const now = Date.parse('2026-11-29T12:00:00Z');
  const ago = (ms: number) => new Date(now - ms);

  it('warns when sends went out and no callback came for an hour, and not a minute sooner', () => {
    const lastSend = ago(5 * 60_000).toISOString();
    const silent = judgeCallbackSetup('T1', login(ago(CALLBACK_SILENCE_MS + 60_000)), lastSend, now);
    expect(silent).toMatchObject({
      status: 'warn',
      text: expect.stringContaining('no callback arrived since'),
    });
    expect(silent.fix).toContain('cb-abc');
    expect(judgeCallbackSetup('T1', login(ago(CALLBACK_SILENCE_MS - 60_000)), lastSend, now).status).toBe(
      'ok',
    );
    const never = judgeCallbackSetup('T1', login(null), ago(CALLBACK_SILENCE_MS + 60_000).toISOString(), now);
    expect(never.text).toContain('no callback arrived ever');
  });

  it('does not warn when nothing was sent since the last callback', () => {
    const finding = judgeCallbackSetup(
      'T1',
      login(ago(3 * CALLBACK_SILENCE_MS)),
      ago(4 * CALLBACK_SILENCE_MS).toISOString(),
      now,
    );
    expect(finding.status).toBe('ok');
  });
});
