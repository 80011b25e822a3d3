import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/config.ts';
import { EnvSchema } from '../../src/config-env.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('local development', () => {
  const example = read('.env.example');

  it('.env.example names every variable the app reads, each with a comment', () => {
    const lines = example.split('\n');
    for (const name of Object.keys(EnvSchema.entries)) {
      const at = lines.findIndex((line) => new RegExp(`^(# )?${name}=`).test(line));
      expect(at, `${name} is not in .env.example`).toBeGreaterThan(0);
      // Above it (past the variables of its group), a comment says what it is.
      let above = at - 1;
      while (above > 0 && /^(# )?[A-Z_]+=/.test(lines[above] ?? '')) above -= 1;
      expect(lines[above], `${name} has no comment above it`).toMatch(/^# \S/);
    }
  });

  it('.env.example as it stands makes a Socket Mode configuration pointed at the stand-in Kaleyra', () => {
    const config = loadServerConfig(parseEnv(example));
    expect(config.slack.transport.kind).toBe('socket');
    expect(config.slack.auth.mode).toBe('single');
    expect(config.kaleyraBaseUrl).toBe('http://127.0.0.1:4010');
    expect(config.storage.databaseUrl).toBeUndefined();
  });

  it('npm run dev loads .env when there is one and restarts on changes', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts.dev).toBe('exec node --env-file-if-exists=.env --watch src/server.ts');
    expect(scripts['fake-kaleyra']).toBe('node scripts/fake-kaleyra.ts');
  });

  it('git ignores .env, but not .env.example', () => {
    const ignored = (file: string) =>
      spawnSync('git', ['check-ignore', '-q', file], { cwd: root }).status === 0;
    expect(ignored('.env')).toBe(true);
    expect(ignored('.env.example')).toBe(false);
  });
});
