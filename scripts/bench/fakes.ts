import { Worker } from 'node:worker_threads';
import { responseUrlOn } from '../../test/support/fake-slack.ts';

/**
 * The fake Slack API and fake Kaleyra of test/support, in a worker thread of the bench process
 * (fakes-worker.ts): their work shares the machine's two cores like everything else, but never delays the
 * load generator's own event loop (and so never inflates a measured ack latency).
 */
export type Fakes = {
  slackUrl: string;
  kaleyraUrl: string;
  responseUrl(id: string): string;
  /** From now on Kaleyra answers 202 after `delayMs` (0: at once). */
  setKaleyraDelay(delayMs: number): Promise<void>;
  /**
   * Waits until `n` distinct outcomes for references starting with `prefix` reached their response_url
   * (or `timeoutMs`), then 300 ms more so a late duplicate is counted too.
   */
  settle(prefix: string, n: number, timeoutMs: number): Promise<Settled>;
  /** chat.update calls so far per order reference starting with `prefix` (the delivery-state edits). */
  edits(prefix: string): Promise<Map<string, number>>;
  /** Stores a file as a member's upload (for `/orderstatus bulk`); its id. */
  addFile(content: string, name: string): Promise<string>;
  /** The bulk job id the app's checked view (views.update of `viewId`) offers to send, once it came. */
  checkedJob(viewId: string, timeoutMs: number): Promise<string | undefined>;
  /**
   * Waits until the job's result file was uploaded (or `timeoutMs`): when (wall clock, NaN if never),
   * the Kaleyra arrival times (wall clock) of references starting with `prefix`, and the result file.
   */
  bulkDone(jobId: string, prefix: string, timeoutMs: number): Promise<BulkDone>;
  /** When (wall clock ms) the first outcome naming each reference starting with `prefix` was posted. */
  outcomeTimes(prefix: string): Promise<Map<string, number>>;
  /** Every chat.postMessage naming a marker `<prefix><digits>`: the marker and when (wall clock ms). */
  posts(prefix: string): Promise<Array<[string, number]>>;
  close(): Promise<void>;
};

/**
 * `finishedAt` is wall-clock ms (NaN when the outcomes did not all arrive); `sends` and `answers` count the
 * Kaleyra sends and response_url posts per reference.
 */
export type Settled = { finishedAt: number; sends: Map<string, number>; answers: Map<string, number> };

export type BulkDone = {
  finishedAt: number;
  /** Kaleyra arrival time (wall clock ms) of each send, with its reference. */
  sends: Array<[string, number]>;
  resultCsv: string | undefined;
};

// The messages between the two threads.
export type FakesRequest =
  | { id: number; op: 'delay'; delayMs: number }
  | { id: number; op: 'settle'; prefix: string; n: number; timeoutMs: number }
  | { id: number; op: 'edits'; prefix: string }
  | { id: number; op: 'addFile'; content: string; name: string }
  | { id: number; op: 'checkedJob'; viewId: string; timeoutMs: number }
  | { id: number; op: 'bulkDone'; jobId: string; prefix: string; timeoutMs: number }
  | { id: number; op: 'outcomeTimes'; prefix: string }
  | { id: number; op: 'posts'; prefix: string }
  | { id: number; op: 'close' };
export type FakesReady = { op: 'ready'; slackUrl: string; kaleyraUrl: string; slackOrigin: string };
export type FakesDone = {
  id: number;
  op: 'done';
  finishedAt?: number;
  sends?: [string, number][];
  answers?: [string, number][];
  edits?: [string, number][];
  fileId?: string;
  jobId?: string;
  bulk?: BulkDone;
  times?: [string, number][];
};
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export async function startFakes(): Promise<Fakes> {
  const worker = new Worker(new URL('./fakes-worker.ts', import.meta.url));
  const pending = new Map<number, (reply: FakesDone) => void>();
  let nextId = 0;
  const ready = new Promise<FakesReady>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (reply: FakesReady | FakesDone) => {
      if (reply.op === 'ready') resolve(reply);
      else pending.get(reply.id)?.(reply);
    });
  });
  const ask = (request: WithoutId<FakesRequest>) =>
    new Promise<FakesDone>((resolve) => {
      const id = nextId++;
      pending.set(id, (reply) => {
        pending.delete(id);
        resolve(reply);
      });
      worker.postMessage({ ...request, id });
    });
  const { slackUrl, kaleyraUrl, slackOrigin } = await ready;
  return {
    slackUrl,
    kaleyraUrl,
    responseUrl: (id) => responseUrlOn(slackOrigin, id),
    async setKaleyraDelay(delayMs) {
      await ask({ op: 'delay', delayMs });
    },
    async settle(prefix, n, timeoutMs) {
      const reply = await ask({ op: 'settle', prefix, n, timeoutMs });
      return {
        finishedAt: reply.finishedAt ?? Number.NaN,
        sends: new Map(reply.sends),
        answers: new Map(reply.answers),
      };
    },
    async edits(prefix) {
      return new Map((await ask({ op: 'edits', prefix })).edits);
    },
    async addFile(content, name) {
      return (await ask({ op: 'addFile', content, name })).fileId ?? '';
    },
    async checkedJob(viewId, timeoutMs) {
      return (await ask({ op: 'checkedJob', viewId, timeoutMs })).jobId;
    },
    async outcomeTimes(prefix) {
      return new Map((await ask({ op: 'outcomeTimes', prefix })).times);
    },
    async posts(prefix) {
      return (await ask({ op: 'posts', prefix })).times ?? [];
    },
    async bulkDone(jobId, prefix, timeoutMs) {
      const reply = await ask({ op: 'bulkDone', jobId, prefix, timeoutMs });
      return reply.bulk ?? { finishedAt: Number.NaN, sends: [], resultCsv: undefined };
    },
    async close() {
      await ask({ op: 'close' });
      await worker.terminate();
    },
  };
}
