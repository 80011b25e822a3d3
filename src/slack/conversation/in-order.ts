import PQueue from 'p-queue';

/**
 * Runs tasks of one key one after another, in the order they were given (different keys run side by
 * side): a conversation's messages are posted in the order they came, within this process. One
 * p-queue of concurrency 1 per key, forgotten once it has nothing left to run.
 */
export function createInOrder() {
  const queues = new Map<string, PQueue>();
  return {
    /** Resolves (or rejects) with the task; the key's next task starts after it either way. */
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      let queue = queues.get(key);
      if (!queue) {
        const created = new PQueue({ concurrency: 1 });
        created.on('idle', () => {
          if (queues.get(key) === created) queues.delete(key);
        });
        queues.set(key, created);
        queue = created;
      }
      return queue.add(task);
    },
    /** Keys with tasks queued or running (tests). */
    get size() {
      return queues.size;
    },
  };
}
