import { chmod, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { createFrontEnd, type FrontEndOptions } from './embedded-front-end.ts';
import { prepareDataFolder } from './embedded-template.ts';
import { thrownMessage } from './thrown-message.ts';

/**
 * The embedded database's thread: PGlite and the Unix socket that serves it. PGlite runs Postgres
 * synchronously in WebAssembly; on its own thread, a long or stuck statement never blocks the process's
 * event loop (its /healthz, its signals), and the owner can always stop or restart it.
 */
export type WorkerInput = {
  pgdata: string;
  socketPath: string;
  postgresqlConf: readonly string[];
  frontEnd: Omit<FrontEndOptions, 'onDrop' | 'onBackendFailure'>;
};

/** Worker → owner. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'failed'; message: string };

/** Owner → worker. */
export type OwnerMessage = { type: 'stop' };

const port = parentPort;
if (!port) throw new Error('embedded-worker.ts runs as a worker thread of embedded-database.ts');
const input = workerData as WorkerInput;
const post = (message: WorkerMessage) => port.postMessage(message);

try {
  await prepareDataFolder(input.pgdata, {
    info: (message) => post({ type: 'log', level: 'info', message }),
    warn: (message) => post({ type: 'log', level: 'warn', message }),
    error: (message) => post({ type: 'log', level: 'error', message }),
  });
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(input.pgdata, { postgresqlconf: [...input.postgresqlConf] });
  const frontEnd = createFrontEnd(
    {
      exec: (message, onData) => pglite.execProtocolRawStream(message, { onRawData: onData }),
      isInTransaction: () => pglite.isInTransaction(),
    },
    {
      ...input.frontEnd,
      onDrop: (reason) => post({ type: 'log', level: 'warn', message: reason }),
      onBackendFailure: (error) => {
        // PGlite cannot be used again after this: the owner starts a new thread on the same folder.
        post({ type: 'failed', message: `PGlite stopped: ${thrownMessage(error)}` });
        process.exit(1);
      },
    },
  );
  // A socket left by an owner that crashed would make listen() fail; this process holds the lock now.
  await rm(input.socketPath, { force: true });
  const server = createServer((socket) => frontEnd.accept(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(input.socketPath, () => resolve());
  });
  await chmod(input.socketPath, 0o600);

  port.on('message', async (message: OwnerMessage) => {
    if (message.type !== 'stop') return;
    server.close();
    await frontEnd.close();
    await pglite.close();
    await rm(input.socketPath, { force: true });
    process.exit(0); // ends this thread only; PGlite leaves handles that would keep it alive
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed', message: `${thrownMessage(error)} (in ${input.pgdata})` });
  process.exit(1);
}
