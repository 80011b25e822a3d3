/** At most `max` of the given tasks run at once; the rest wait their turn, in order. */
export function createSlots(max: number) {
  let active = 0;
  const waiting: Array<() => void> = [];
  const acquire = async () => {
    if (active < max) {
      active += 1;
      return;
    }
    // The slot is handed over by release(), so `active` stays counted.
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  return {
    acquire,
    release,
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
