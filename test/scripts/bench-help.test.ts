import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const bench = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/bench/main.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });

describe('npm run bench -- --help', () => {
  it('prints the options, what it records and which database it migrates, and exits 0 having run nothing', () => {
    const run = bench('--help');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const option of [
      '--only',
      '--n',
      '--c',
      '--slow-n',
      '--floor-n',
      '--floor-c',
      '--no-record',
      '--verbose',
    ]) {
      expect(run.stdout).toContain(`  ${option} `);
    }
    expect(run.stdout).toContain('firstHour');
    expect(run.stdout).toContain('appends the run');
    expect(run.stdout).toContain('BENCHMARKS.md');
    expect(run.stdout).toMatch(
      /MIGRATES the Postgres database at TEST_DATABASE_URL, else DATABASE_URL, else\s+postgres:\/\/postgres@127\.0\.0\.1:5432\/test/,
    );
    expect(bench('-h').stdout).toBe(run.stdout);
    // Three processes that load every bench module: slow on a busy machine.
  }, 120_000);

  it('answers an unknown option in one line pointing at --help, exit 2', () => {
    const run = bench('--bogus');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("bench: Unknown option '--bogus'\nnpm run bench -- --help lists the options.\n");
  }, 60_000);
});
