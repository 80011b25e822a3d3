/**
 * Runs tasks of one key one after another, in the order they were given (different keys run side by
 * side): a conversation's messages are posted in the order they came, within this process.
 */
export function createInOrder() {
  const tails = new Map<string, Promise<void>>();
  return {
    /** Resolves (or rejects) with the task; the key's next task starts after it either way. */
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const result = (tails.get(key) ?? Promise.resolve()).then(task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    /** Keys with tasks queued or running (tests). */
    get size() {
      return tails.size;
    },
  };
}
