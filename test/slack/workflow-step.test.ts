import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createTaskTracker } from '../../src/services/background-tasks.ts';
import { createSendOrderStatusStep } from '../../src/slack/listeners/functions/send-order-status-step.ts';

describe('the workflow step listener', () => {
  it('ends in fail, never silence, when the send throws (a bug, not an answer)', async () => {
    const tasks = createTaskTracker(() => undefined);
    const step = createSendOrderStatusStep({
      orderStatus: {
        sendOrderStatus: async () => {
          throw new Error('boom');
        },
      },
      tasks,
      logger: createLogger({ level: 'silent' }),
    });
    const calls: Array<[string, unknown]> = [];
    await step({
      inputs: { customer_number: '+919876543210', order_reference: 'R1', order_status: 'shipped' },
      event: { function_execution_id: 'Fx1', workflow_execution_id: 'Wx1' },
      context: { teamId: 'T1' },
      complete: async (args: unknown) => calls.push(['complete', args]),
      fail: async (args: unknown) => calls.push(['fail', args]),
    } as unknown as Parameters<typeof step>[0]);
    expect(await tasks.drain(5_000)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe('fail');
    expect(JSON.stringify(calls[0]?.[1])).toContain('(INTERNAL)');
  });
});
