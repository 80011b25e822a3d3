import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../src/storage/database.ts';
import { credentialsSetArgs } from './support/cli-process.ts';

const root = path.resolve(import.meta.dirname, '..');
const OLD = Buffer.alloc(32, 1).toString('base64');
const NEW = Buffer.alloc(32, 2).toString('base64');

function cli(args: string[], env: Record<string, string>, input = '') {
  const run = spawnSync(process.execPath, ['src/cli.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    input,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

it('rotates ENCRYPTION_KEY: list the new key first, reencrypt, then drop the old one', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-rotate-'));
  // The folder's owner, as a running server would be: the six calls go through its socket instead of
  // each starting the database (the CLI as the owner is cli.test.ts's).
  const owner = await openDatabase({ dataDir });
  try {
    const set = cli(
      credentialsSetArgs('TROTATE1'),
      { DATA_DIR: dataDir, ENCRYPTION_KEY: OLD },
      'Arotation0000000000000000000000001\n',
    );
    expect(set.code, set.stderr).toBe(0);

    // The new key alone cannot read what the old one wrote, and says what to do.
    const early = cli(['credentials', 'show', '--team', 'TROTATE1'], {
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: `new:${NEW}`,
    });
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('CREDENTIALS_UNREADABLE');

    const both = { DATA_DIR: dataDir, ENCRYPTION_KEY: `new:${NEW},${OLD}` };
    const rotated = cli(['credentials', 'reencrypt'], both);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain('re-encrypted 1 workspace and 0 Slack installations with key new');
    expect(rotated.stdout).toContain('re-sealed the keyed-hash key with key new');
    expect(cli(['credentials', 'reencrypt'], both).stdout).toContain('re-encrypted 0 workspaces');

    const after = cli(['credentials', 'show', '--team', 'TROTATE1'], {
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: `new:${NEW}`,
    });
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('Ar••••0001');
  } finally {
    await owner.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('a server whose ENCRYPTION_KEY no longer opens the keyed-hash key refuses to start, saying what to do', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'orderstatus-rotate-'));
  try {
    expect(cli(['migrate'], { DATA_DIR: dataDir, ENCRYPTION_KEY: OLD }).code).toBe(0);
    const run = spawnSync(process.execPath, ['src/server.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        DATA_DIR: dataDir,
        ENCRYPTION_KEY: `new:${NEW}`,
        SLACK_SIGNING_SECRET: 'rotation-signing-secret',
        SLACK_BOT_TOKEN: 'xoxb-rotation',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    // One line that says what to do; below it, only the causes (the cipher's own refusal).
    const [first, ...causes] = run.stderr.trim().split('\n');
    expect(first).toContain('orderstatus: cannot start:');
    expect(first).toContain('List the old key after the current one');
    for (const cause of causes) expect(cause).toMatch(/^ {2}because: /);
    expect(run.stderr).toContain('List the old key after the current one');
    expect(run.stderr).toContain('orderstatus credentials reencrypt');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
