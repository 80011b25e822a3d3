import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
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
import { type Database, openPool, type StorageLogger } from './pool.ts';

export type EmbeddedOptions = {
  /** How long to wait for a connection before reporting the database as down. */
  connectionTimeoutMillis: number;
  logger: StorageLogger;
};

const OWNER_STARTUP_WAIT_MS = 20_000;
const POOL_SIZE = 4;

/**
 * The PGlite database in `dataDir`: served over a loopback socket by this process when it can take the
 * directory's lock, otherwise reached through the process that holds it.
 */
export async function openEmbeddedDatabase(dataDir: string, options: EmbeddedOptions): Promise<Database> {
  const { logger } = options;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if ((await stat(dataDir)).mode & 0o077) {
    logger.warn(`${dataDir} is open to other users; \`chmod 700\` it (it holds the database and its key).`);
  }
  const files = dataDirFiles(dataDir);
  const deadline = Date.now() + OWNER_STARTUP_WAIT_MS;
  for (;;) {
    const claim = await claimDataDir(files, logger);
    if (claim.state === 'ours') return serveEmbedded(files, options);
    if (claim.state === 'serving') {
      const db = openLoopbackPool(claim.port, options);
      if (await db.ping()) {
        logger.info(
          `Using the embedded database served by process ${claim.owner.pid} on 127.0.0.1:${claim.port}`,
        );
        return db;
      }
      await db.close();
      if (isOwnerAlive(claim.owner)) {
        throw new StorageError(
          `The embedded database in ${dataDir} is held by process ${claim.owner.pid}, which is running but not answering on 127.0.0.1:${claim.port}; stop that process (or set DATABASE_URL) and try again.`,
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

/** Runs PGlite and its socket server in this process, which holds the data directory's lock. */
async function serveEmbedded(files: DataDirFiles, options: EmbeddedOptions): Promise<Database> {
  const { logger } = options;
  let pglite: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  const release = async () => {
    await withdrawServer(files);
    await server?.stop();
    await pglite?.close();
    await releaseLock(files);
  };
  try {
    // The embedded database holds a few rows per workspace: 16 MB of buffers (not 128) saves ~60 MB of RSS.
    pglite = await PGlite.create(path.join(files.dir, 'pglite'), { postgresqlconf: ['shared_buffers=16MB'] });
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
    await announceServer(files, port);
    logger.info(`Embedded database in ${files.dir} served on 127.0.0.1:${port}`);
    return openLoopbackPool(port, options, release);
  } catch (error) {
    await release().catch(() => undefined);
    throw new StorageError(`Could not open the embedded database in ${files.dir}.`, { cause: error });
  }
}

function openLoopbackPool(port: number, options: EmbeddedOptions, onClose?: () => Promise<void>): Database {
  return openPool(`postgres://postgres@127.0.0.1:${port}/postgres`, {
    mode: 'embedded',
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    maxConnections: POOL_SIZE,
    logger: options.logger,
    onClose,
  });
}
