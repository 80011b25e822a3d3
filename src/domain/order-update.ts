import type { OrderStatus } from './order-status.ts';

/** Who asked for a send; becomes Kaleyra's `extra_info` (`ref1`, `ref2`). */
export type Actor = { kind: 'slack'; userId: string; channelId: string } | { kind: 'cli' };

/** The update as it was (or would have been) sent, template defaults resolved. */
export type ResolvedOrderStatus = {
  to: string;
  referenceId: string;
  status: OrderStatus;
  description?: string;
  templateName: string;
  languageCode: string;
};
