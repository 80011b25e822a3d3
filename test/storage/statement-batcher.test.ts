import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { createStatementBatcher, MAX_BATCH } from '../../src/storage/statement-batcher.ts';

describe('createStatementBatcher', () => {
  it('runs what is asked in one event-loop turn as one batch, answering each caller in order', async () => {
    const batches: number[][] = [];
    const double = createStatementBatcher<number, number>(async (items) => {
      batches.push([...items]);
      return items.map((n) => n * 2);
    });
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(await double(4)).toBe(8);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it(`splits a turn's rows into statements of at most ${MAX_BATCH}`, async () => {
    const sizes: number[] = [];
    const echo = createStatementBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    });
    await Promise.all(Array.from({ length: MAX_BATCH + 5 }, (_, i) => echo(i)));
    expect(sizes).toEqual([MAX_BATCH, 5]);
  });

  it('tries the rows of a failed statement one by one, so one bad row fails only its own caller', async () => {
    const batches: number[][] = [];
    const run = createStatementBatcher<number, number>(async (items) => {
      batches.push([...items]);
      if (items.includes(2)) throw new Error('bad row');
      return items;
    });
    const settled = await Promise.allSettled([1, 2, 3].map(run));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('fails every row at once when the database cannot be reached (no row-by-row retries)', async () => {
    let calls = 0;
    const run = createStatementBatcher<number, number>(async () => {
      calls += 1;
      throw new StorageError('down');
    });
    const settled = await Promise.allSettled([1, 2, 3].map(run));
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof StorageError)).toBe(true);
    expect(calls).toBe(1);
  });
});
