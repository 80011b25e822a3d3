import { describeKaleyraError } from '../kaleyra/describe-kaleyra-error.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import { DuplicateSendError } from './duplicate-send-error.ts';
import type { ErrorDescription } from './error-description.ts';
import { NotConfiguredError } from './not-configured-error.ts';
import { StorageError } from './storage-error.ts';
import { ValidationError } from './validation-error.ts';

/** The one place that turns a failure into what the agent, admin or CLI user reads. */
export function describeError(error: unknown): ErrorDescription {
  if (error instanceof KaleyraError) return describeKaleyraError(error);
  if (error instanceof NotConfiguredError) {
    return {
      code: 'NOT_CONFIGURED',
      summary: 'This workspace has no Kaleyra credentials yet, so nothing was sent.',
      nextStep: 'Ask a workspace admin to run `/orderstatus config` and enter the Kaleyra SID and API key.',
      retryable: false,
    };
  }
  if (error instanceof ValidationError) {
    return {
      code: 'INVALID_INPUT',
      summary: `The update was not sent: ${Object.values(error.issues).join(' ')}`,
      nextStep: 'Correct the fields and send again.',
      retryable: false,
    };
  }
  if (error instanceof StorageError && error.reason === 'unreadable') {
    return {
      code: 'CREDENTIALS_UNREADABLE',
      summary: 'The saved Kaleyra settings of this workspace cannot be read back, so nothing was sent.',
      nextStep:
        'Ask a workspace admin to enter them again with `/orderstatus config`; if every workspace is affected, check ENCRYPTION_KEY.',
      retryable: false,
    };
  }
  if (error instanceof StorageError) {
    return {
      code: 'STORAGE_UNAVAILABLE',
      summary: 'orderstatus cannot reach its database right now, so nothing was sent.',
      nextStep: 'Try again in a minute; if it keeps failing, tell whoever runs orderstatus.',
      retryable: true,
    };
  }
  if (error instanceof DuplicateSendError) {
    const { previous } = error;
    const what =
      previous.state === 'sent'
        ? `went out at ${previous.at}${previous.messageId ? ` (message_id ${previous.messageId})` : ''}`
        : previous.state === 'in_flight'
          ? `is being sent right now (started ${previous.at})`
          : `was attempted at ${previous.at} and may have been delivered`;
    return {
      code: 'DUPLICATE',
      summary: `The same update for this customer and order ${what}, so it was not sent again.`,
      nextStep: 'Send it again deliberately only if the customer really needs a second message.',
      retryable: false,
    };
  }
  return {
    code: 'INTERNAL',
    summary: 'Something went wrong inside orderstatus; the update may not have been sent.',
    nextStep: 'Try again; if it keeps failing, tell whoever runs orderstatus.',
    retryable: false,
  };
}
