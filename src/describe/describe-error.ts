import { ButtonRefusedError } from '../errors/button-refused-error.ts';
import { ConversationError } from '../errors/conversation-error.ts';
import { DuplicateSendError, type PreviousSend } from '../errors/duplicate-send-error.ts';
import { MediaRefusedError } from '../errors/media-refused-error.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { ReplyTargetError } from '../errors/reply-target-error.ts';
import { SavedReplyError } from '../errors/saved-reply-error.ts';
import { SendRefusedError } from '../errors/send-refused-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import { ValidationError } from '../errors/validation-error.ts';
import { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import { describeConversationError } from './describe-conversation.ts';
import { describeKaleyraError } from './describe-kaleyra-error.ts';
import { describeMedia } from './describe-media.ts';
import { describeRefusal } from './describe-refusal.ts';
import { describeSavedReplyError } from './describe-saved-reply.ts';
import { describeUnavailable } from './describe-unavailable.ts';
import type { ErrorDescription } from './error-description.ts';
import type { Surface } from './surface.ts';

// What the storage check tells an operator; an agent is only told to pass the failure on.
const CHECK_DATABASE =
  'Check that the database is up and reachable (DATABASE_URL, or the embedded one in DATA_DIR), then try again.';

/** ", so nothing was sent" after a send; nothing after anything else. */
const nothingSent = (surface: Surface) => (surface.attempt === 'send' ? ', so nothing was sent' : '');

/**
 * The one place that turns a failure into what the agent, admin or CLI user reads. Each edge passes
 * its Surface and renders the description its own way; the words are the same everywhere.
 */
export function describeError(error: unknown, surface: Surface): ErrorDescription {
  if (error instanceof KaleyraError) return describeKaleyraError(error, surface);
  if (error instanceof NotConfiguredError) {
    return {
      code: 'NOT_CONFIGURED',
      summary: `${surface.workspace(error.workspaceId)} has no Kaleyra credentials yet${nothingSent(surface)}.`,
      nextStep: surface.adminStep('enter the Kaleyra SID and API key', error.workspaceId),
      retryable: false,
    };
  }
  if (error instanceof ValidationError) {
    return {
      code: 'INVALID_INPUT',
      summary: `The update was not sent: ${surface.text(Object.values(error.issues).join(' '))}`,
      nextStep: 'Correct the fields and send again.',
      retryable: false,
    };
  }
  if (error instanceof StorageError) return describeStorageError(error, surface);
  if (error instanceof DuplicateSendError) {
    return {
      code: 'DUPLICATE',
      summary: `${describePreviousSend(error.previous, surface)} It was not sent again.`,
      nextStep: 'Send it again deliberately only if the customer really needs a second message.',
      retryable: false,
    };
  }
  if (error instanceof ButtonRefusedError) return describeButtonRefused(error);
  if (error instanceof SendRefusedError) return describeRefusal(error, surface);
  if (error instanceof ReplyTargetError) return describeReplyTarget(error, surface);
  if (error instanceof MediaRefusedError) return describeMedia(error, surface);
  if (error instanceof SavedReplyError) return describeSavedReplyError(error, surface);
  if (error instanceof ConversationError) return describeConversationError(error);
  return {
    code: 'INTERNAL',
    summary: `Something went wrong inside orderstatus${surface.attempt === 'send' ? '; the update may not have been sent' : ''}.`,
    nextStep: surface.operatorStep(
      'Try again; if it keeps happening, report it with this message.',
      error instanceof Error ? error.message : String(error),
    ),
    retryable: false,
  };
}

function describeStorageError(error: StorageError, surface: Surface): ErrorDescription {
  if (error.reason === 'unreadable') {
    return {
      code: 'CREDENTIALS_UNREADABLE',
      summary: `The saved Kaleyra settings of this workspace cannot be read back${nothingSent(surface)}.`,
      nextStep: `${surface.adminStep('enter them again')} If every workspace is affected, check ENCRYPTION_KEY.`,
      retryable: false,
    };
  }
  const consequence = surface.attempt === 'send' ? 'nothing was sent' : undefined;
  return describeUnavailable(consequence, surface.operatorStep(CHECK_DATABASE, error.message));
}

function describeButtonRefused(error: ButtonRefusedError): ErrorDescription {
  const again = 'To send the update, use the command or the form again.';
  switch (error.reason) {
    case 'used':
      return {
        code: 'BUTTON_USED',
        summary: 'This button was already used once, so nothing was sent again.',
        nextStep: `The outcome of its first use was posted when it was clicked. ${again}`,
        retryable: false,
      };
    case 'expired':
      return {
        code: 'BUTTON_EXPIRED',
        summary: 'This button is more than 24 hours old, so nothing was sent.',
        nextStep: again,
        retryable: false,
      };
    default:
      return {
        code: 'BUTTON_NOT_VALID_HERE',
        summary:
          'This button was made in another workspace (or by an earlier version of orderstatus, or was altered), so nothing was sent.',
        nextStep: `Send the update from the workspace it belongs to. ${again}`,
        retryable: false,
      };
  }
}

function describeReplyTarget(error: ReplyTargetError, surface: Surface): ErrorDescription {
  if (error.reason === 'not_found') {
    return {
      code: 'MESSAGE_NOT_FOUND',
      summary: `The customer’s message this reply answers is not stored in this workspace (older ones are deleted after the retention period)${nothingSent(surface)}.`,
      nextStep:
        'Reply to the customer’s newest message; if they have not written in the last 24 hours, send the order-status template instead.',
      retryable: false,
    };
  }
  return {
    code: 'MESSAGE_UNREADABLE',
    summary: `The customer’s number in this message cannot be read back${nothingSent(surface)}.`,
    nextStep: surface.operatorStep(
      'Check that ENCRYPTION_KEY still lists the key in use when the message arrived.',
      error.message,
    ),
    retryable: false,
  };
}

/** What happened to the earlier send that the duplicate guard found: when, by whom, its message_id. */
export function describePreviousSend(previous: PreviousSend, surface: Surface): string {
  const what = previous.what ?? 'update';
  const when = surface.time(previous.at);
  const by = surface.actor(previous.by);
  const id = previous.messageId === undefined ? undefined : surface.literal(previous.messageId);
  switch (previous.state) {
    case 'sent':
      return `The same ${what} already went out ${when}, sent by ${by}${id ? ` (message_id ${id})` : ''}.`;
    case 'in_flight':
      return `The same ${what} is being sent right now: ${by} started it ${when}.`;
    default:
      return (
        `The same ${what} was sent ${when} by ${by}, but Kaleyra did not confirm it: it may have been delivered.` +
        (id ? ` Its message_id was ${id}.` : '')
      );
  }
}
