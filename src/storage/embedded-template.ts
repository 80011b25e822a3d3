import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMain } from '../is-main.ts';
import type { StorageLogger } from './pool.ts';

/**
 * A new embedded database starts as a copy of a data folder prepared once: initdb (which takes seconds
 * and about 600 MB), then the schema's migrations, with only the `postgres` database left in it (the
 * copy's cost is its file count, and template0 and template1 were two thirds of the files; nothing here
 * creates databases). The template lives in node_modules/.cache/orderstatus, one per PGlite version and
 * schema; `npm install` prepares it (package.json's postinstall), the Docker image at build time, and
 * the first process that finds it missing builds it in a child process, so that process never holds
 * initdb's memory.
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

/**
 * The cached template for the installed PGlite and this schema, e.g.
 * node_modules/.cache/orderstatus/pglite-0.5.14-schema-1a2b3c4d (a digest of every migration's SQL).
 */
export async function templatePath(cache = CACHE_DIR): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(PGLITE_ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };
  const { MIGRATIONS } = await import('./migrations/index.ts');
  const schema = createHash('sha256').update(JSON.stringify(MIGRATIONS)).digest('hex').slice(0, 8);
  return path.join(cache, `${TEMPLATE_PREFIX}${version}-schema-${schema}`);
}

const TEMPLATE_PREFIX = 'pglite-';

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
  logger.info(`Preparing the embedded database template in ${template} (once per PGlite version and schema)`);
  await buildInChild(partial);
  // Another process may have finished first: its template is as good as ours.
  await rename(partial, template).catch(() => rm(partial, { recursive: true, force: true }));
  await removeOtherTemplates(template);
  return isDatabase(template) ? template : undefined;
}

/** Earlier PGlite versions' and schemas' templates (tens of MB each) go once a new one is in place. */
async function removeOtherTemplates(current: string): Promise<void> {
  const cache = path.dirname(current);
  for (const name of await readdir(cache).catch(() => [])) {
    const other = path.join(cache, name);
    if (name.startsWith(TEMPLATE_PREFIX) && !name.includes('.build-') && other !== current) {
      await rm(other, { recursive: true, force: true }).catch(() => undefined);
    }
  }
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

/** initdb into `folder`, without the template databases, then every migration. */
async function initialise(folder: string): Promise<void> {
  const [{ PGlite }, { applyMigrations }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('./migrations.ts'),
  ]);
  const db = await PGlite.create(folder);
  for (const template of ['template0', 'template1']) {
    await db.exec(`ALTER DATABASE ${template} IS_TEMPLATE false`);
    await db.exec(`DROP DATABASE ${template}`);
  }
  await applyMigrations(async (sql, params) =>
    params
      ? (await db.query<Record<string, unknown>>(sql, params)).rows
      : ((await db.exec(sql)).at(-1)?.rows ?? []),
  );
  await db.close();
  readableByAllWritableByOwner(folder);
}

/**
 * One mode for the whole folder: PGlite creates its own files writable by everyone (0666), and Postgres
 * the schema's readable by their owner only (0600). A template others could write to would seed every
 * new database with their changes; one they cannot read is no use to the app's user (the Docker image
 * prepares it as root). It holds no data, only the schema; its copies live inside the 0700 DATA_DIR.
 */
function readableByAllWritableByOwner(folder: string): void {
  for (const name of ['', ...readdirSync(folder, { recursive: true, encoding: 'utf8' })]) {
    const entry = path.join(folder, name);
    chmodSync(entry, statSync(entry).isDirectory() ? 0o755 : 0o644);
  }
}

if (isMain(import.meta.url)) {
  const argument = process.argv[2];
  if (argument === '--required') {
    // The Docker image's build: a template that cannot be prepared fails the build.
    const logger = { info: console.log, warn: console.warn, error: console.error };
    if (!(await ensureTemplate(logger))) throw new Error(`the template cache ${CACHE_DIR} cannot be written`);
  } else if (argument) {
    await initialise(argument);
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
