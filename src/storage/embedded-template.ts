import { spawn } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain } from '../is-main.ts';
import type { StorageLogger } from './pool.ts';

/**
 * A new embedded database starts as a copy of a data folder initialised once (PGlite's initdb takes
 * 2-3 s and about 600 MB; a copy takes ~50 ms). The template lives in node_modules/.cache/orderstatus,
 * one per PGlite version; `npm install` prepares it (package.json's postinstall), and the first process
 * that finds it missing builds it in a child process, so that process never holds initdb's memory.
 */

// Flags for the process that runs initdb: Liftoff only (see embedded-database.ts), a third of the peak.
export const PGLITE_NODE_FLAGS = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering'] as const;

// node_modules/@electric-sql/pglite (its package.json is not exported, so found from its entry point).
const PGLITE_ROOT = path.resolve(
  path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')),
  '..',
);

/** node_modules/.cache/orderstatus: the templates, and V8's compile cache (COMPILE_CACHE_DIR). */
export const CACHE_DIR = path.resolve(PGLITE_ROOT, '..', '..', '.cache', 'orderstatus');

/**
 * V8's compiled code of every module, kept between runs (module.enableCompileCache): a CLI call starts
 * ~0.2 s sooner and ~25 MB smaller. In the project's own cache, not a /tmp folder anyone could write to;
 * where it cannot be written, Node runs without it.
 */
export const COMPILE_CACHE_DIR = path.join(CACHE_DIR, 'compile-cache');

/** The cached template for the installed PGlite, e.g. node_modules/.cache/orderstatus/pglite-0.5.14. */
export async function templatePath(cache = CACHE_DIR): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(PGLITE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  return path.join(cache, `pglite-${version}`);
}

const isDatabase = (folder: string) => existsSync(path.join(folder, 'PG_VERSION'));

/**
 * Makes `pgdata` a ready PGlite data folder unless it is one already: a copy of the template, moved in
 * place in one rename (a crash never leaves half a database where PGlite would take it for a whole one).
 * Runs on the database's own thread: the copy is synchronous (fs.cp's async walk of its ~1000 files
 * took 3-6 times as long here).
 */
export async function prepareDataFolder(
  pgdata: string,
  logger: StorageLogger,
  cache = CACHE_DIR,
): Promise<void> {
  if (existsSync(pgdata)) return; // a database, or a folder PGlite will initialise in place
  const template = await ensureTemplate(logger, cache);
  const partial = `${pgdata}.new-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  if (template) {
    cpSync(template, partial, { recursive: true });
  } else {
    logger.warn(
      'Initialising the embedded database here (the template cache is not writable): this takes a few seconds.',
    );
    await buildInChild(partial);
  }
  await rename(partial, pgdata);
}

/** The template's folder, built now if it is missing; undefined when the cache cannot be written. */
export async function ensureTemplate(logger: StorageLogger, cache = CACHE_DIR): Promise<string | undefined> {
  const template = await templatePath(cache);
  if (isDatabase(template)) return template;
  const partial = `${template}.build-${process.pid}`;
  try {
    await mkdir(path.dirname(template), { recursive: true });
    await rm(partial, { recursive: true, force: true });
  } catch {
    return undefined;
  }
  logger.info(`Preparing the embedded database template in ${template} (once per PGlite version)`);
  await buildInChild(partial);
  // Another process may have finished first: its template is as good as ours.
  await rename(partial, template).catch(() => rm(partial, { recursive: true, force: true }));
  return isDatabase(template) ? template : undefined;
}

/** Runs initdb into `folder` in a child process (this module as its entry), so its memory goes with it. */
async function buildInChild(folder: string): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...PGLITE_NODE_FLAGS, self, folder], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !isDatabase(folder)) {
    await rm(folder, { recursive: true, force: true });
    throw new Error(
      `initialising the embedded database failed: ${stderr.trim().split('\n').at(-1) ?? `exit ${code}`}`,
    );
  }
}

async function initialise(folder: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(folder);
  await db.close();
}

if (isMain(import.meta.url)) {
  const folder = process.argv[2];
  if (folder) {
    await initialise(folder);
  } else {
    // `npm install` (postinstall): prepare the cache once; never fail the install over it.
    await ensureTemplate({ info: () => undefined, warn: () => undefined, error: () => undefined }).catch(
      (error: unknown) =>
        process.stderr.write(
          `orderstatus: the embedded database template will be prepared on first use (${(error as Error).message})\n`,
        ),
    );
  }
}
