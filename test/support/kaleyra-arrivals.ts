import { fork } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';

/**
 * A fake Kaleyra in a process of its own, raised in priority where the OS allows (root), that notes
 * when each send arrived (wall clock, ms) and for which order reference: on a busy two-core machine the
 * servers and the database would otherwise hold its event loop back for 100 ms and more, and sends
 * that left evenly spaced would be noted together.
 */
export type KaleyraArrivals = {
  url: string;
  /** Every send so far: its order reference and when it arrived. */
  arrivals(): Promise<Array<[string, number]>>;
  /** The longest the recording process's event loop was held up so far (ms): how late a time may be noted. */
  lagMaxMs(): Promise<number>;
  close(): Promise<void>;
};

type Answer = { op: string; url?: string; arrivals?: Array<[string, number]>; lagMaxMs?: number };

export async function startKaleyraArrivals(): Promise<KaleyraArrivals> {
  const child = fork(new URL('./kaleyra-arrivals-worker.ts', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    if (child.pid !== undefined) setPriority(child.pid, -10);
  } catch {
    // Not allowed here (not root): the recording may then lag behind a busy machine.
  }
  const next = (op: string) =>
    new Promise<Answer>((resolve, reject) => {
      const onMessage = (message: Answer) => {
        if (message.op !== op) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      child.once('error', reject);
    });
  const ready = await next('ready');
  const ask = async () => {
    const answer = next('arrivals');
    child.send({ op: 'arrivals' });
    return answer;
  };
  return {
    url: String(ready.url),
    arrivals: async () => (await ask()).arrivals ?? [],
    lagMaxMs: async () => Number((await ask()).lagMaxMs),
    async close() {
      const exited = once(child, 'exit');
      child.send({ op: 'close' });
      await exited;
    },
  };
}
