import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { COMPILE_CACHE_DIR } from './embedded-template.ts';
import type { OwnerMessage, WorkerInput, WorkerMessage } from './embedded-worker.ts';
import type { StorageLogger } from './pool.ts';

export type EmbeddedWorker = {
  socketPath: string;
  /** Stops serving and closes PGlite; the thread is terminated if it does not finish in time. */
  stop(): Promise<void>;
};

// The worker's module beside this one, whichever way the code runs (src/*.ts, or dist/*.js once built).
const WORKER_URL = new URL(
  `./embedded-worker${path.extname(new URL(import.meta.url).pathname)}`,
  import.meta.url,
);
// The thread's first code enables V8's compile cache (per thread) before its modules load, so from src/
// their TypeScript comes stripped from the cache and the thread never loads Node's type stripper.
const BOOTSTRAP = `require('node:module').enableCompileCache(${JSON.stringify(COMPILE_CACHE_DIR)});
import(${JSON.stringify(WORKER_URL.href)});`;
const STOP_TIMEOUT_MS = 10_000;
const RESTART_DELAYS_MS = [100, 1_000, 5_000];

/**
 * Starts the embedded database's thread and keeps it running: when PGlite stops (a client sent
 * something it could not survive), the thread is started again on the same folder and the clients
 * reconnect. Resolves once the first thread serves; rejects if it cannot.
 */
export async function startEmbeddedWorker(
  input: WorkerInput,
  logger: StorageLogger,
): Promise<EmbeddedWorker> {
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let current = await runWorker(input, logger, onUnexpectedExit);

  function onUnexpectedExit(reason: string): void {
    if (stopping) return;
    logger.error(`The embedded database stopped (${reason}); starting it again.`);
    restarting = restart(0).finally(() => {
      restarting = undefined;
    });
  }

  async function restart(attempt: number): Promise<void> {
    await sleep(RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)]);
    if (stopping) return;
    try {
      current = await runWorker(input, logger, onUnexpectedExit);
    } catch (error) {
      logger.error(`The embedded database could not start again (${(error as Error).message}); retrying.`);
      return restart(attempt + 1);
    }
    logger.warn('The embedded database is serving again.');
  }

  return {
    socketPath: input.socketPath,
    async stop() {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}

type RunningWorker = { stop(): Promise<void> };

/** One thread: resolves when it serves, rejects if it fails first; `onExit` hears of a later exit. */
function runWorker(
  input: WorkerInput,
  logger: StorageLogger,
  onExit: (reason: string) => void,
): Promise<RunningWorker> {
  return new Promise((resolve, reject) => {
    // No execArgv: the process's own node options (`--input-type`, `--cpu-prof`…) are not the thread's.
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: input, execArgv: [] });
    let ready = false;
    let failure = 'it exited';
    const exited = new Promise<void>((done) => worker.once('exit', () => done()));
    const send = (message: OwnerMessage) => worker.postMessage(message);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'log') logger[message.level](message.message);
      if (message.type === 'failed') failure = message.message;
      if (message.type !== 'ready') return;
      ready = true;
      resolve({
        async stop() {
          send({ type: 'stop' });
          // Unreferenced: a pending timer must not keep a finished CLI process alive.
          const timedOut = await Promise.race([
            exited.then(() => false),
            sleep(STOP_TIMEOUT_MS, true, { ref: false }),
          ]);
          if (timedOut) await worker.terminate();
        },
      });
    });
    worker.on('error', (error) => {
      failure = error.message;
    });
    worker.on('exit', (code) => {
      if (!ready) reject(new Error(failure));
      else if (code !== 0) onExit(failure);
    });
  });
}
