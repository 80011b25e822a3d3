import type { ResolvedOrderStatus } from '../domain/order-update.ts';
import type { DuplicateSendError } from '../errors/duplicate-send-error.ts';
import type { NotConfiguredError } from '../errors/not-configured-error.ts';
import type { SendRefusedError } from '../errors/send-refused-error.ts';
import type { StorageError } from '../errors/storage-error.ts';
import type { ValidationError } from '../errors/validation-error.ts';
import type { KaleyraError } from '../kaleyra/kaleyra-error.ts';

export type SendError =
  | NotConfiguredError
  | ValidationError
  | KaleyraError
  | StorageError
  | DuplicateSendError
  | SendRefusedError;

/**
 * Something the person who sent should know although the send went: the business number's quality is
 * flagged (a single send still goes; bulk sends pause).
 */
export type SendWarning = { kind: 'number_flagged'; businessNumber: string; event: string; since: string };

/** `attemptId` is the journal row of an attempt that reached the send step (logged with the message_id). */
export type SendResult =
  /** `attemptId` is the journal's: where the delivery state of this message will be kept. */
  | {
      ok: true;
      messageId: string;
      update: ResolvedOrderStatus;
      attemptId: string;
      warnings?: SendWarning[];
    }
  | { ok: false; error: SendError; update?: ResolvedOrderStatus; attemptId?: string };
