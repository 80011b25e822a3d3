import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chown, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_DIR, ensureTemplate, templatePath } from '../../src/storage/embedded-template.ts';
import { startServerProcess } from '../support/server-process.ts';

/**
 * The Docker image's runtime user (`node`) cannot write node_modules/.cache, where `npm install` prepares
 * the embedded database's template: the image prepares it at build time, readable by that user, and a new
 * data volume starts from a copy of it (no initdb in a child process, no initdb memory).
 */

const root = path.resolve(import.meta.dirname, '..', '..');
// Instructions only: comments may mention what the file deliberately does not do.
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8')
  .split('\n')
  .filter((line) => !/^\s*#/.test(line))
  .join('\n');
const runtime = dockerfile.split(/^FROM /m).at(-1) ?? '';
const TEMPLATE_SCRIPT = 'src/storage/embedded-template.ts';
const UNPRIVILEGED = { uid: 65534, gid: 65534 }; // nobody, as the image's `node` user: not the cache's owner

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the Docker image', () => {
  it('prepares the embedded database template at build time, before it switches to the app user', () => {
    const lines = runtime.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const copyDist = at(/^COPY --from=\S+ \/app\/dist \.\/dist/);
    const prepare = at(/^RUN node dist\/storage\/embedded-template\.js --required\b/);
    const user = at(/^USER node$/);
    expect(copyDist).toBeGreaterThan(-1);
    expect(prepare).toBeGreaterThan(copyDist);
    expect(user).toBeGreaterThan(prepare);
    // The script the image runs is the one compiled from src (dist/ mirrors src/).
    expect(existsSync(path.join(root, TEMPLATE_SCRIPT))).toBe(true);
  });

  it('gives the app user V8’s compile cache beside the template', () => {
    expect(runtime).toMatch(/chown node:node node_modules\/\.cache\/orderstatus\/compile-cache\b/);
  });

  it('runs a template script that prepares a template any user can read and only its owner write', async () => {
    const { stderr } = await promisify(execFile)(process.execPath, [TEMPLATE_SCRIPT, '--required'], {
      cwd: root,
    });
    expect(stderr).toBe('');
    const template = await templatePath();
    expect(existsSync(path.join(template, 'PG_VERSION'))).toBe(true);
    const entries = ['', ...(await readdir(template, { recursive: true }))];
    const modes = new Set<string>();
    for (const name of entries) {
      const info = await stat(path.join(template, name));
      modes.add(`${info.isDirectory() ? 'dir' : 'file'} ${(info.mode & 0o777).toString(8)}`);
    }
    expect([...modes].sort()).toEqual(['dir 755', 'file 644']);
  });

  // As the image runs it: a user who cannot write the cache. Needs root (to become that user) and a
  // checkout others can read.
  const canRunAsAnotherUser = process.getuid?.() === 0 && (statSync(root).mode & 0o005) === 0o005;

  it.skipIf(!canRunAsAnotherUser)(
    'starts on a new data volume from a copy of the template when its user cannot write the cache',
    async () => {
      await ensureTemplate({ info: () => undefined, warn: () => undefined, error: () => undefined });
      const cache = await stat(CACHE_DIR);
      expect(cache.uid).not.toBe(UNPRIVILEGED.uid);
      expect(cache.mode & 0o002).toBe(0);
      const volume = await mkdtemp(path.join(tmpdir(), 'orderstatus-volume-'));
      cleanups.push(() => rm(volume, { recursive: true, force: true }));
      await chown(volume, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
      const dataDir = path.join(volume, 'data');

      const server = await startServerProcess(
        { SLACK_SIGNING_SECRET: 'docker-secret', SLACK_BOT_TOKEN: 'xoxb-docker', DATA_DIR: dataDir },
        { user: UNPRIVILEGED },
      );
      cleanups.push(() => server.stop('SIGKILL'));
      const health = await fetch(`${server.url}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
      expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      // Neither initdb in a child process nor a template built by this user.
      expect(server.output()).not.toMatch(
        /Initialising the embedded database|Preparing the embedded database/,
      );
      expect(await server.stop()).toBe(0);
    },
  );
});
