import { describe, expect, it } from 'vitest';
import { createInOrder } from '../../src/slack/conversation/in-order.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createInOrder', () => {
  it("runs one key's tasks one after another in the order given, other keys side by side", async () => {
    const inOrder = createInOrder();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      inOrder.run('a', task('a1', 30)),
      inOrder.run('a', task('a2', 1)),
      inOrder.run('b', task('b1', 1)),
    ]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    // b1 did not wait for a's tasks; a2 started only after a1 ended.
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
  });

  it("goes on with a key's next task after one fails, and forgets a key once it is done", async () => {
    const inOrder = createInOrder();
    const failed = inOrder.run('a', async () => {
      throw new Error('no');
    });
    const next = inOrder.run('a', async () => 'next');
    expect(inOrder.size).toBe(1);
    await expect(failed).rejects.toThrow('no');
    expect(await next).toBe('next');
    await tick(0);
    expect(inOrder.size).toBe(0);
  });
});
