import type { OrderStatus } from '../domain/order-status.ts';
import type { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import type { NotConfiguredError } from '../errors/not-configured-error.ts';
import type { StorageError } from '../errors/storage-error.ts';
import type { ValidationError } from '../errors/validation-error.ts';
import type { KaleyraError } from '../kaleyra/kaleyra-error.ts';

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

export type SendError =
  | NotConfiguredError
  | ValidationError
  | KaleyraError
  | StorageError
  | DuplicateSendError;

export type SendResult =
  | { ok: true; messageId: string; update: ResolvedOrderStatus }
  | { ok: false; error: SendError; update?: ResolvedOrderStatus };
