import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { olderNodeLine } from '../../src/require-node.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

/** A Node older than 24 on this machine (system Node: /usr/bin/node, or another on PATH), if any. */
function findOlderNode(): string | undefined {
  const onPath = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout?.split('\n') ?? [];
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', ...onPath]) {
    if (!candidate || !existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    const major = Number(/^v(\d+)\./.exec(version)?.[1]);
    if (major > 0 && major < 24) return candidate;
  }
  return undefined;
}

const olderNode = findOlderNode();

describe('the entry points on an older Node', () => {
  it('name the Node that runs and the one to use, in one line', () => {
    expect(olderNodeLine('v20.20.2', path.join(process.cwd(), 'dist', 'server.js'))).toBe(
      'orderstatus needs Node.js 24 or later, and this is Node v20.20.2: run it with npm start (the project brings Node 24), or node_modules/.bin/node dist/server.js',
    );
    expect(olderNodeLine('v18.0.0', path.join(process.cwd(), 'dist', 'cli.js'))).toMatch(
      /^orderstatus needs Node\.js 24 or later, and this is Node v18\.0\.0: run it with npm run orderstatus -- … .*node_modules\/\.bin\/node dist\/cli\.js$/,
    );
  });

  describe.skipIf(!olderNode)(`built, run with ${olderNode ?? 'an older Node (none found)'}`, () => {
    let outDir: string;
    beforeAll(async () => {
      // Inside the project, so the build's imports resolve against its node_modules as dist/'s do.
      outDir = await mkdtemp(path.join(root, 'node_modules', '.cache', 'orderstatus-older-node-'));
      execFileSync(
        path.join(root, 'node_modules', '.bin', 'tsc'),
        ['-p', 'tsconfig.build.json', '--outDir', outDir],
        {
          cwd: root,
        },
      );
    }, 120_000);
    afterAll(async () => {
      if (outDir) await rm(outDir, { recursive: true, force: true });
    });

    for (const entry of ['server.js', 'cli.js']) {
      it(`${entry} says which Node to use and exits 1, before anything needing Node 24 loads`, () => {
        const run = spawnSync(olderNode as string, [path.join(outDir, entry), 'doctor'], {
          cwd: root,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '' },
        });
        const relative = path.relative(root, path.join(outDir, entry));
        const version = spawnSync(olderNode as string, ['--version'], { encoding: 'utf8' }).stdout.trim();
        expect(run.stdout).toBe('');
        expect(run.stderr).toBe(`${olderNodeLine(version, path.join(root, relative))}\n`);
        expect(run.stderr).toContain(entry === 'cli.js' ? 'npm run orderstatus' : 'npm start');
        expect(run.status).toBe(1);
      });
    }
  });
});
