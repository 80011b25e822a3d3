import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOCTOR_CHECKS, type DoctorCheck } from '../src/cli/doctor-checks.ts';
import { runDoctor } from '../src/cli/doctor-command.ts';
import { type Io, runCli } from '../src/cli/run-cli.ts';
import { closedPort } from './storage/database-fixtures.ts';
import { type FakeKaleyra, KALEYRA_RESPONSES, startFakeKaleyra } from './support/fake-kaleyra.ts';
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
  let kaleyra: FakeKaleyra;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-doctor-'));
    kaleyra = await startFakeKaleyra();
  });
  afterAll(async () => {
    await kaleyra?.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    kaleyra.reset();
    env = {
      DATA_DIR: dataDir,
      KALEYRA_BASE_URL: kaleyra.url,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
    };
  });

  const configure = (team: string) =>
    cli(
      [
        'credentials',
        'set',
        '--team',
        team,
        '--sid',
        'HXIN1234567890IN',
        '--api-key',
        '-',
        '--pod',
        'in',
      ].concat(['--business-number', '+919876500000']),
      env,
      'Adoctor0000000000000000000000003\n',
    );
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
    expect(run.out.at(-1)).toMatch(/^3 problems to fix, 2 to look at\.$/);
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
    expect(run.out[1]).toBe('ok    database: embedded, reachable, schema at version 3 of 3');
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
