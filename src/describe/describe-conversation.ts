import type { ConversationError } from '../errors/conversation-error.ts';
import type { ErrorDescription } from './error-description.ts';

const DONE = { take: 'nobody took', resolve: 'nothing was resolved' } as const;

/** A Take it or Resolve click whose customer's message is gone. */
export function describeConversationError(error: ConversationError): ErrorDescription {
  return {
    code: 'MESSAGE_NOT_FOUND',
    summary: `The customer’s message this button is on is not stored in this workspace (older ones are deleted after the retention period), so ${DONE[error.action]} its conversation.`,
    nextStep: 'Use the buttons on the customer’s newest message.',
    retryable: false,
  };
}
