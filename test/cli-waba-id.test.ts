import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliStorageModes, credentialsSetArgs, runCliProcess as runCli } from './support/cli-process.ts';
import { probeTestDatabase } from './support/postgres.ts';
import { TEST_ENCRYPTION_KEY, uniqueTeamId } from './support/start-app.ts';

const API_KEY = 'Awabakey000000000000000000000000x7';

const pgUrl = await probeTestDatabase();
const modes = cliStorageModes(pgUrl, TEST_ENCRYPTION_KEY);

describe.each(modes)('credentials set’s optional flags on the %s', (_name, storageEnv) => {
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!storageEnv) return;
    dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-cli-waba-'));
    env = storageEnv(dataDir);
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const setArgs = (team: string, pod: string, extra: string[] = []) => [
    ...credentialsSetArgs(team, pod),
    ...extra,
  ];

  it.skipIf(!storageEnv)('stores the NA pod and the WABA id, and shows them', async () => {
    const team = uniqueTeamId();
    const set = await runCli(setArgs(team, 'NA', ['--waba-id', '104996122399160']), env, API_KEY);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    const show = await runCli(['credentials', 'show', '--team', team], env);
    expect(show.stdout).toMatch(/^pod: +na$/m);
    expect(show.stdout).toMatch(/^waba id: +104996122399160$/m);
  });

  it.skipIf(!storageEnv)(
    'refuses a malformed WABA id or an unknown pod, naming the flag, exit 2',
    async () => {
      const team = uniqueTeamId();
      const badWaba = await runCli(setArgs(team, 'in', ['--waba-id', 'WABA-1']), env, API_KEY);
      expect(badWaba.code).toBe(2);
      expect(badWaba.stderr).toContain('--waba-id');
      const badPod = await runCli(setArgs(team, 'us'), env, API_KEY);
      expect(badPod.code).toBe(2);
      expect(badPod.stderr).toContain('in, sg, eu or na');
      expect((await runCli(['credentials', 'show', '--team', team], env)).code).toBe(1);
    },
  );

  it.skipIf(!storageEnv)(
    'stores the replies channel and shows it; a set without it clears it; a channel name is refused (exit 2)',
    async () => {
      const team = uniqueTeamId();
      const set = await runCli(setArgs(team, 'in', ['--replies-channel', 'C0REPLIES1']), env, API_KEY);
      expect(set.stderr).toBe('');
      expect(set.code).toBe(0);
      const show = await runCli(['credentials', 'show', '--team', team], env);
      expect(show.stdout).toMatch(/^replies channel: C0REPLIES1$/m);

      const named = await runCli(setArgs(team, 'in', ['--replies-channel', '#orders']), env, API_KEY);
      expect(named.code).toBe(2);
      expect(named.stderr).toContain('--replies-channel');
      expect(named.stderr).toContain('Slack channel id');

      expect((await runCli(setArgs(team, 'in'), env, API_KEY)).code).toBe(0);
      const cleared = await runCli(['credentials', 'show', '--team', team], env);
      expect(cleared.stdout).toMatch(/^replies channel: \(none: /m);
    },
  );
});
