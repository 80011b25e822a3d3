import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli as runCliInProcess } from '../src/cli/run-cli.ts';
import { BULK_CUSTOMER, bulkCsv } from './support/bulk-driver.ts';
import { credentialsSetArgs, runCliProcess as runCli } from './support/cli-process.ts';
import {
  acceptedAs,
  type FakeKaleyra,
  KALEYRA_RESPONSES,
  referenceIdOf,
  startFakeKaleyra,
} from './support/fake-kaleyra.ts';
import { uniqueTeamId } from './support/start-app.ts';

const API_KEY = 'Aclikey000000000000000000000000x7';

// The embedded store: the CLI is one foreground process, no job table and no worker involved.
describe('orderstatus send --csv', () => {
  let kaleyra: FakeKaleyra;
  let dataDir: string;
  let env: Record<string, string>;
  let team: string;
  let prefix: string;
  const csvFile = (name: string, text: string) => {
    const file = path.join(dataDir, name);
    return writeFile(file, text).then(() => file);
  };

  beforeAll(async () => {
    kaleyra = await startFakeKaleyra();
    dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-bulk-'));
    env = { DATA_DIR: path.join(dataDir, 'data'), KALEYRA_BASE_URL: kaleyra.url };
  });
  afterAll(async () => {
    await kaleyra?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    kaleyra.reset();
    team = uniqueTeamId();
    prefix = `K${Math.random().toString(36).slice(2, 6).toUpperCase()}-`;
    const set = await runCli(credentialsSetArgs(team), env, `${API_KEY}\n`);
    expect(set.code, set.stderr).toBe(0);
  });

  it('exits 2 and sends nothing when a row is invalid, naming each bad cell by line and column', async () => {
    const file = await csvFile(
      'bad.csv',
      bulkCsv(10, prefix, (i, cells) =>
        i === 2
          ? ['12345', ...cells.slice(1)]
          : i === 5
            ? [cells[0] ?? '', cells[1] ?? '', 'gone', '']
            : cells,
      ),
    );
    const run = await runCli(['send', '--team', team, '--csv', file], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error: line 4, phone: ');
    expect(run.stderr).toContain('error: line 7, status: ');
    expect(run.stderr).toContain('2 problems: nothing was sent');
    expect(kaleyra.requests).toHaveLength(0);
  });

  it('--dry-run prints what would be sent (numbers masked) and sends nothing', async () => {
    const file = await csvFile('dry.csv', bulkCsv(3, prefix));
    const run = await runCli(
      ['send', '--team', team, '--csv', file, '--dry-run', '--description', 'On its way, today'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = parse(run.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toEqual([
      {
        line: '2',
        customer: '+91 •••• 0000',
        reference: `${prefix}0`,
        status: 'processing',
        description: 'On its way, today',
      },
      {
        line: '3',
        customer: '+91 •••• 0001',
        reference: `${prefix}1`,
        status: 'shipped',
        description: 'On its way, today',
      },
      {
        line: '4',
        customer: '+91 •••• 0002',
        reference: `${prefix}2`,
        status: 'shipped',
        description: 'On its way, today',
      },
    ]);
    expect(run.stderr).toContain(
      'dry run: 3 updates to 3 distinct customers (processing 1, shipped 2); nothing was sent',
    );
    expect(kaleyra.requests).toHaveLength(0);
  });

  it('sends every row once, prints the result file, and exits 1 when a row failed', async () => {
    // Row 4's update already went out: it is "already sent", not sent again.
    kaleyra.respondWith(acceptedAs('AEARLIERCLI00001'));
    const once = await runCli(
      ['send', '--team', team, '--to', BULK_CUSTOMER(4), '--ref', `${prefix}4`, '--status', 'shipped'],
      env,
    );
    expect(once.code, once.stderr).toBe(0);
    kaleyra.respondWith((request) =>
      referenceIdOf(request) === `${prefix}7`
        ? KALEYRA_RESPONSES.wa401
        : acceptedAs(`M-${referenceIdOf(request)}`),
    );
    const file = await csvFile('orders.csv', bulkCsv(40, prefix));
    const run = await runCli(['send', '--team', team, '--csv', file], env);
    expect(run.code, run.stderr).toBe(1);
    const rows = parse(run.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(40);
    expect(rows[4]).toMatchObject({ line: '6', outcome: 'already_sent', message_id: 'AEARLIERCLI00001' });
    expect(rows[7]).toMatchObject({ outcome: 'failed', error_code: 'WA401', message_id: '' });
    expect(rows[9]).toMatchObject({ reference: `${prefix}9`, outcome: 'sent', message_id: `M-${prefix}9` });
    expect(run.stderr).toContain('38 / 40 sent · 1 failed · 1 already sent');
    expect(run.stdout).not.toMatch(/98765\d{5}/);
    const sent = kaleyra.requests.map(referenceIdOf).filter((ref) => ref?.startsWith(prefix));
    expect(sent).toHaveLength(1 + 39);
    expect(new Set(sent).size).toBe(40);
  });

  it('exits 0 when every row was sent or already sent', async () => {
    const file = await csvFile('all.csv', bulkCsv(5, prefix));
    const run = await runCli(['send', '--team', team, '--csv', file], env);
    expect(run.code, run.stderr).toBe(0);
    const again = await runCli(['send', '--team', team, '--csv', file], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('0 / 5 sent · 0 failed · 5 already sent');
    expect(kaleyra.requests).toHaveLength(5);
  });

  it('draws a progress bar in place on a terminal (stderr), the result still on stdout', async () => {
    const file = await csvFile('tty.csv', bulkCsv(60, prefix));
    const out: string[] = [];
    const drawn: string[] = [];
    const code = await runCliInProcess(
      ['send', '--team', team, '--csv', file],
      { ...env, KALEYRA_RATE_LIMIT: '40', LOG_LEVEL: 'error' },
      {
        out: (line) => out.push(line),
        err: () => undefined,
        readStdin: () => '',
        progress: { isTTY: true, write: (text) => drawn.push(text) },
      },
      async () => undefined,
    );
    expect(code).toBe(0);
    // 60 rows at 40/s take 1.5 s: several frames, each redrawn in place.
    const frames = drawn.filter((text) => text.startsWith('\r['));
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.at(-1)).toMatch(/\] \d+\/60 · /);
    expect(drawn.at(-1)).toBe('\r\u001b[K');
    expect(parse(out.join('\n'), { columns: true })).toHaveLength(60);
  });
});
