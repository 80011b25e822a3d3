import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { ConfigError } from '../config.ts';
import { StorageError } from '../errors/storage-error.ts';
import {
  announceServer,
  claimDataDir,
  type DataDirFiles,
  dataDirFiles,
  isOwnerAlive,
  releaseLock,
  withdrawServer,
} from './data-dir-lock.ts';
import { startEmbeddedWorker } from './embedded-supervisor.ts';
import { PGLITE_NODE_FLAGS } from './embedded-template.ts';
import { type Database, openPool, type StorageLogger } from './pool.ts';

export type EmbeddedOptions = {
  /** How long to wait for a connection before reporting the database as down. */
  connectionTimeoutMillis: number;
  logger: StorageLogger;
};

const OWNER_STARTUP_WAIT_MS = 20_000;
const POOL_SIZE = 4;
// pg's convention: a Unix socket named .s.PGSQL.<port> in the folder given as the host.
const SOCKET_PORT = 5432;
// sun_path holds 108 bytes on Linux (104 on macOS and the BSDs), the terminating NUL included.
const SOCKET_PATH_LIMIT = process.platform === 'linux' ? 107 : 103;

/**
 * The PGlite database in `dataDir`, served on a Unix socket inside that 0700 folder by the process that
 * holds the folder's lock, and reached through that socket by every other process (the CLI beside a server).
 */
export async function openEmbeddedDatabase(dataDir: string, options: EmbeddedOptions): Promise<Database> {
  const { logger } = options;
  await checkDataDir(dataDir);
  const files = dataDirFiles(dataDir);
  const deadline = Date.now() + OWNER_STARTUP_WAIT_MS;
  for (;;) {
    const claim = await claimDataDir(files, logger);
    if (claim.state === 'ours') return serveEmbedded(files, options);
    if (claim.state === 'serving') {
      const db = openSocketPool(dataDir, options);
      if (await db.ping()) {
        logger.info(`Using the embedded database served by process ${claim.owner.pid} in ${dataDir}`);
        return db;
      }
      await db.close();
      if (isOwnerAlive(claim.owner)) {
        throw new StorageError(
          `The embedded database in ${dataDir} is held by process ${claim.owner.pid}, which is running but not answering on its socket; stop that process (or set DATABASE_URL) and try again.`,
        );
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new StorageError(
        `The embedded database in ${dataDir} is held by process ${claim.owner?.pid ?? '(unknown)'}, which has not started serving it; stop that process or remove ${files.lock} if it is not orderstatus.`,
      );
    }
    await sleep(100);
  }
}

/** The socket's path for `dataDir`; a ConfigError when it would not fit in a Unix socket address. */
export function socketPathOf(dataDir: string): string {
  const socketPath = path.join(dataDir, `.s.PGSQL.${SOCKET_PORT}`);
  const bytes = Buffer.byteLength(socketPath);
  if (bytes > SOCKET_PATH_LIMIT) {
    throw new ConfigError(
      `DATA_DIR ${dataDir} is too long for the embedded database's socket (${socketPath} is ${bytes} bytes; Unix sockets allow ${SOCKET_PATH_LIMIT} bytes): use a shorter DATA_DIR (a symbolic link to this folder works), or set DATABASE_URL`,
    );
  }
  return socketPath;
}

/**
 * Creates the folder (0700) or checks it: it holds the database, its socket and the encryption key, so
 * nobody else may read it. Existing ./data folders and volumes are often 0755: the message says the fix.
 */
async function checkDataDir(dataDir: string): Promise<void> {
  socketPathOf(dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const mode = (await stat(dataDir)).mode & 0o777;
  if (mode & 0o077) {
    throw new ConfigError(
      `DATA_DIR ${dataDir} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}), and it holds the database and its encryption key: run chmod 700 ${dataDir}`,
    );
  }
}

let wasmFlagsSet = false;

/**
 * PGlite compiles 9 MB of WebAssembly. V8's optimising tier recompiles it in the background within the
 * first second, which briefly takes ~500 MB; Liftoff (the baseline compiler) alone keeps a CLI call
 * under 200 MB and is as fast for the embedded database's few small statements (BENCHMARKS.md). V8
 * flags are per process and read when a module is compiled, so they are set before the first PGlite.
 */
function useBaselineWasmCompiler(): void {
  if (wasmFlagsSet) return;
  for (const flag of PGLITE_NODE_FLAGS) v8.setFlagsFromString(flag);
  wasmFlagsSet = true;
}

/** Runs PGlite (on its own thread) and its socket in this process, which holds the folder's lock. */
async function serveEmbedded(files: DataDirFiles, options: EmbeddedOptions): Promise<Database> {
  const { logger } = options;
  let worker: Awaited<ReturnType<typeof startEmbeddedWorker>> | undefined;
  const release = async () => {
    await withdrawServer(files);
    await worker?.stop();
    await releaseLock(files);
  };
  try {
    const pgdata = path.join(files.dir, 'pglite');
    useBaselineWasmCompiler();
    worker = await startEmbeddedWorker(
      { pgdata, socketPath: socketPathOf(files.dir), postgresqlConf: POSTGRESQL_CONF, frontEnd: FRONT_END },
      logger,
    );
    await announceServer(files, worker.socketPath);
    logger.info(`Embedded database in ${files.dir} served on ${worker.socketPath}`);
    return openSocketPool(files.dir, options, release);
  } catch (error) {
    await release().catch(() => undefined);
    if (error instanceof ConfigError) throw error;
    throw new StorageError(`Could not open the embedded database in ${files.dir}.`, { cause: error });
  }
}

// The embedded database holds a few rows per workspace: 8 MB of buffers (not 128) saves ~70 MB of RSS.
const POSTGRESQL_CONF = ['shared_buffers=8MB'];

const FRONT_END = {
  // Well inside the pool's 5 s query timeout, so a statement queued behind a stuck holder still runs.
  holdTimeoutMs: 2_000,
  startupTimeoutMs: 5_000,
  // Longer than the pool keeps an idle connection (30 s), so only a forgotten client is closed.
  idleTimeoutMs: 300_000,
  maxConnections: 32,
  maxMessageBytes: 16 * 1024 * 1024,
};

function openSocketPool(dataDir: string, options: EmbeddedOptions, onClose?: () => Promise<void>): Database {
  return openPool(`postgres://postgres@${encodeURIComponent(dataDir)}:${SOCKET_PORT}/postgres`, {
    mode: 'embedded',
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    maxConnections: POOL_SIZE,
    logger: options.logger,
    onClose,
  });
}
