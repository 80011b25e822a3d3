import type { OrderStatus } from './order-status.ts';

/** Who asked for a send; becomes Kaleyra's `extra_info` (`ref1`, `ref2`). */
export type Actor =
  | { kind: 'slack'; userId: string; channelId: string }
  | { kind: 'cli' }
  /** A row of a bulk job: the agent who started the job, the channel it reports in, the row's line. */
  | { kind: 'bulk'; userId: string; channelId: string | undefined; jobId: string; line: number }
  /** A Workflow Builder step: the `sent_by` user when the workflow gave one, and the workflow's execution id. */
  | { kind: 'workflow'; userId: string | undefined; executionId: string };

/** The update as it was (or would have been) sent, template defaults resolved. */
export type ResolvedOrderStatus = {
  to: string;
  referenceId: string;
  status: OrderStatus;
  description?: string;
  templateName: string;
  languageCode: string;
};
