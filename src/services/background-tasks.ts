/**
 * Work that continues after Slack has been acknowledged (sends, posting outcomes). Tracked so a
 * SIGTERM can wait for it instead of dropping a customer's update half-way.
 */
export function createTaskTracker(onError: (error: unknown) => void) {
  const running = new Set<Promise<void>>();

  function run(task: () => Promise<void>): void {
    const promise = (async () => {
      try {
        await task();
      } catch (error) {
        onError(error);
      }
    })();
    running.add(promise);
    void promise.finally(() => running.delete(promise));
  }

  /** Resolves true when every task finished, false when the timeout came first. */
  async function drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const finished = (async () => {
      while (running.size > 0) await Promise.allSettled([...running]);
      return true as const;
    })();
    const result = await Promise.race([finished, timeout]);
    clearTimeout(timer);
    return result;
  }

  return {
    run,
    drain,
    get size() {
      return running.size;
    },
  };
}

export type TaskTracker = ReturnType<typeof createTaskTracker>;
