import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import * as v from 'valibot';
import { StorageError } from '../errors/storage-error.ts';

export type StorageLogger = {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

export type OpenDatabaseOptions = {
  /** Postgres URL; when unset, the embedded database under `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  logger?: StorageLogger | undefined;
  /** How long to wait for a connection before reporting the database as down. */
  connectionTimeoutMillis?: number | undefined;
};

export type Database = {
  /** Connection URL as given (may hold a password: never log it; see `redactDatabaseUrl`). */
  url: string;
  mode: 'postgres' | 'embedded';
  /** Every pool handed out here has an 'error' listener; `pool.connect()` callers own their client's. */
  pool: pg.Pool;
  /** SQL errors (constraint violations…) reject as `pg.DatabaseError`; connection failures as StorageError. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** True when `SELECT 1` answers; never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

const PidSchema = v.pipe(v.number(), v.integer(), v.minValue(1));
// `origin` (performance.timeOrigin) tells this process from an earlier one that had the same pid.
const LockInfoSchema = v.object({ pid: PidSchema, origin: v.number() });
const ServerInfoSchema = v.object({ pid: PidSchema, port: v.pipe(v.number(), v.integer(), v.minValue(1)) });
type LockInfo = v.InferOutput<typeof LockInfoSchema>;
type ServerInfo = v.InferOutput<typeof ServerInfoSchema>;

const OWNER_STARTUP_WAIT_MS = 20_000;
// SQLSTATE classes that mean "the database is unavailable", not "your statement is wrong".
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|58)/;

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const logger = options.logger ?? consoleLogger();
  const timeout = options.connectionTimeoutMillis ?? 3_000;
  if (options.databaseUrl) {
    logger.info(`Using Postgres at ${redactDatabaseUrl(options.databaseUrl)}`);
    return wrapPool(options.databaseUrl, 'postgres', createPool(options.databaseUrl, timeout, 10, logger));
  }
  return openEmbedded(options.dataDir, timeout, logger);
}

/** Strips the password from a connection URL so it can be logged. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Maps a driver failure to StorageError unless it is an ordinary SQL error the caller may handle. */
export function toStorageError(error: unknown): StorageError | pg.DatabaseError {
  if (error instanceof StorageError) return error;
  if (error instanceof pg.DatabaseError && !UNAVAILABLE_SQLSTATE.test(error.code ?? '')) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(`Could not reach the database (${reason}).`, { cause: error });
}

function createPool(url: string, timeout: number, max: number, logger: StorageLogger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: timeout,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // A half-open connection would otherwise hang a query until TCP gives up. Every statement of ours
    // is a single short one; migrations wait for their lock on a client of their own.
    query_timeout: 5_000,
  });
  // pg-pool has already dropped the broken client; the next query opens a fresh one.
  pool.on('error', (error) => logger.warn(`Database connection lost (${error.message}); will reconnect.`));
  return pool;
}

function wrapPool(
  url: string,
  mode: Database['mode'],
  pool: pg.Pool,
  onClose?: () => Promise<void>,
): Database {
  let closing: Promise<void> | undefined;
  const query = async <T>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
    try {
      const result = await pool.query(sql, params ? [...params] : undefined);
      return result.rows as T[];
    } catch (error) {
      throw toStorageError(error);
    }
  };
  return {
    url,
    mode,
    pool,
    query,
    ping: () =>
      query('SELECT 1').then(
        () => true,
        () => false,
      ),
    close() {
      closing ??= pool.end().then(() => onClose?.());
      return closing;
    },
  };
}

async function openEmbedded(dataDir: string, timeout: number, logger: StorageLogger): Promise<Database> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if ((await stat(dataDir)).mode & 0o077) {
    logger.warn(`${dataDir} is open to other users; \`chmod 700\` it (it holds the database and its key).`);
  }
  const lockPath = path.join(dataDir, 'lock');
  const serverPath = path.join(dataDir, 'server.json');
  const deadline = Date.now() + OWNER_STARTUP_WAIT_MS;
  for (;;) {
    if (await tryCreateLock(lockPath)) return serveEmbedded(dataDir, lockPath, serverPath, timeout, logger);
    const owner = await readJson(lockPath, LockInfoSchema);
    if (owner && !isAlive(owner)) {
      logger.warn(`Taking over ${dataDir}: process ${owner.pid} that held it is gone.`);
      await removeStaleLock(lockPath, owner);
      continue;
    }
    const server = await readJson(serverPath, ServerInfoSchema);
    if (owner && server && server.pid === owner.pid) {
      const url = `postgres://postgres@127.0.0.1:${server.port}/postgres`;
      const db = wrapPool(url, 'embedded', createPool(url, timeout, 4, logger));
      if (await db.ping()) {
        logger.info(`Using the embedded database served by process ${owner.pid} on 127.0.0.1:${server.port}`);
        return db;
      }
      await db.close();
      if (isAlive(owner)) {
        throw new StorageError(
          `The embedded database in ${dataDir} is held by process ${owner.pid}, which is running but not answering on 127.0.0.1:${server.port}; stop that process (or set DATABASE_URL) and try again.`,
        );
      }
      continue;
    }
    // The owner is still starting (or the lock is half-written): wait for its server.json.
    if (Date.now() > deadline) {
      throw new StorageError(
        `The embedded database in ${dataDir} is held by process ${owner?.pid ?? '(unknown)'}, which has not started serving it; stop that process or remove ${lockPath} if it is not orderstatus.`,
      );
    }
    await sleep(100);
  }
}

async function serveEmbedded(
  dataDir: string,
  lockPath: string,
  serverPath: string,
  timeout: number,
  logger: StorageLogger,
): Promise<Database> {
  let pglite: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  const release = async () => {
    await rm(serverPath, { force: true });
    await server?.stop();
    await pglite?.close();
    await rm(lockPath, { force: true });
  };
  try {
    // The embedded database holds a few rows per workspace: 16 MB of buffers (not 128) saves ~60 MB of RSS.
    pglite = await PGlite.create(path.join(dataDir, 'pglite'), { postgresqlconf: ['shared_buffers=16MB'] });
    // PGlite has one session, so statements from the pool's connections interleave. That is
    // acceptable only because storage code uses single-statement atomic SQL, never multi-statement
    // transactions. Several connections (this pool plus a CLI next to the server) need slots.
    server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 32 });
    server.addEventListener('error', (event) => {
      const detail = (event as CustomEvent<unknown>).detail;
      logger.warn(
        `Embedded database socket error (${detail instanceof Error ? detail.message : 'unknown'}).`,
      );
    });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    const info: ServerInfo = { pid: process.pid, port };
    const temp = `${serverPath}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(info), { mode: 0o600 });
    await rename(temp, serverPath);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    logger.info(`Embedded database in ${dataDir} served on 127.0.0.1:${port}`);
    return wrapPool(url, 'embedded', createPool(url, timeout, 4, logger), release);
  } catch (error) {
    await release().catch(() => undefined);
    throw new StorageError(`Could not open the embedded database in ${dataDir}.`, { cause: error });
  }
}

/** Lock content appears complete or not at all: written to a temp file, then hard-linked in place. */
async function tryCreateLock(lockPath: string): Promise<boolean> {
  const temp = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const info: LockInfo = { pid: process.pid, origin: performance.timeOrigin };
  await writeFile(temp, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function removeStaleLock(lockPath: string, stale: LockInfo): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readJson(aside, LockInfoSchema);
  // Another process took over between our read and our rename: put its live lock back.
  if (moved?.pid !== stale.pid || moved.origin !== stale.origin)
    await link(aside, lockPath).catch(() => undefined);
  await rm(aside, { force: true });
}

function isAlive(owner: LockInfo): boolean {
  // Same pid but another process start: a restarted container (pid 1 again) after a crash.
  if (owner.pid === process.pid) return owner.origin === performance.timeOrigin;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readJson<T>(file: string, schema: v.GenericSchema<unknown, T>): Promise<T | undefined> {
  try {
    const parsed = v.safeParse(schema, JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

function consoleLogger(): StorageLogger {
  return {
    info: () => undefined,
    warn: (message) => console.warn(message),
    error: (message) => console.error(message),
  };
}
