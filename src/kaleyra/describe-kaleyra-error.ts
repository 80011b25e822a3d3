import type { ErrorDescription } from '../errors/error-description.ts';
import type { KaleyraError } from './kaleyra-error.ts';

// Kaleyra's own words are quoted in the fallback; keep them to one short line.
const QUOTE_LIMIT = 200;

/**
 * What a support agent (or CLI user) reads when a send did not end in WA202: what happened and what
 * to do next. `code` is shown beside these sentences, so they do not repeat it. Built only from the
 * code, HTTP status and Kaleyra's message, none of which carries a secret.
 */
export function describeKaleyraError(error: KaleyraError): ErrorDescription {
  const { code } = error;
  switch (code) {
    case 'RBC001':
      return {
        code,
        summary: 'Kaleyra rejected the SID or API key saved for this workspace, so nothing was sent.',
        nextStep:
          'Ask a workspace admin to run `/orderstatus config` and enter the Kaleyra SID and API key again.',
        retryable: false,
      };
    case 'WA401':
      return {
        code,
        summary:
          'The WhatsApp business number in the settings is not on this Kaleyra account, so nothing was sent.',
        nextStep: 'Ask a workspace admin to correct the business number in `/orderstatus config`.',
        retryable: false,
      };
    case 'WA400':
      return {
        code,
        summary: 'Kaleyra rejected the message format, so nothing was sent.',
        nextStep:
          'Check that the template name and language match an approved template; if they do, contact Kaleyra support.',
        retryable: false,
      };
    case 'WA500':
      return {
        code,
        summary: 'Kaleyra had an internal problem and did not send the message.',
        nextStep: 'Try again in a few minutes.',
        retryable: true,
      };
    case 'E110':
      return {
        code,
        summary: 'The Kaleyra account balance is too low, so nothing was sent.',
        nextStep: 'Ask whoever manages the Kaleyra account to top it up, then send again.',
        retryable: false,
      };
    case 'WA-401':
      return describeWa401(error);
    case 'WAV2101':
      return {
        code,
        summary: 'The WhatsApp business number has reached its daily messaging limit, so nothing was sent.',
        nextStep: 'Try again tomorrow, or ask Kaleyra or Meta to raise the number’s messaging tier.',
        retryable: false,
      };
    case 'TIMEOUT':
      return {
        code,
        // The limit is configurable (KALEYRA_TIMEOUT_MS), so no number is named here.
        summary: 'Kaleyra did not answer in time; the customer may still have received the message.',
        nextStep: 'Check with the customer or in Kaleyra’s reports before sending again.',
        retryable: true,
      };
    case 'NETWORK':
      return error.outcome === 'rejected'
        ? {
            code,
            summary: 'orderstatus could not reach Kaleyra, so nothing was sent.',
            nextStep: 'Try again in a minute; if it keeps failing, tell whoever runs orderstatus.',
            retryable: true,
          }
        : {
            code,
            summary:
              'The connection to Kaleyra dropped mid-send; the customer may have received the message.',
            nextStep: 'Check with the customer or in Kaleyra’s reports before sending again.',
            retryable: true,
          };
    case 'BAD_RESPONSE':
      return describeBadResponse(error);
    default:
      return describeOtherCode(error);
  }
}

function describeWa401(error: KaleyraError): ErrorDescription {
  if (error.errorKey === 'account') {
    return {
      code: error.code,
      summary: 'This Kaleyra account’s plan does not include the WhatsApp API, so nothing was sent.',
      nextStep: 'Contact Kaleyra support to enable the WhatsApp API for the account.',
      retryable: false,
    };
  }
  if (error.errorKey === 'phone_number' || /different version/i.test(error.kaleyraMessage ?? '')) {
    return {
      code: error.code,
      summary:
        'The WhatsApp business number is set up on a different version of Kaleyra’s WhatsApp API, so nothing was sent.',
      nextStep:
        'Check the business number in `/orderstatus config`, or ask Kaleyra support to move the number to API v2.',
      retryable: false,
    };
  }
  return describeOtherCode(error);
}

function describeBadResponse(error: KaleyraError): ErrorDescription {
  const status = error.httpStatus === undefined ? '' : ` (HTTP ${error.httpStatus})`;
  if (error.outcome === 'rejected') {
    const quickRetry = error.httpStatus === 429 || error.httpStatus === 408;
    return {
      code: error.code,
      summary: `Kaleyra answered with something orderstatus could not read${status}; the message was not sent.`,
      nextStep: quickRetry
        ? 'Try again in a few minutes.'
        : 'Try again later; if it keeps happening, tell whoever runs orderstatus.',
      retryable: quickRetry,
    };
  }
  return {
    code: error.code,
    summary: `Kaleyra answered with something orderstatus could not read${status}; the message may or may not have gone out.`,
    nextStep: 'Check with the customer or in Kaleyra’s reports before sending again.',
    retryable: true,
  };
}

function describeOtherCode(error: KaleyraError): ErrorDescription {
  const quoted = quote(error.kaleyraMessage);
  const status = error.httpStatus === undefined ? '' : ` (HTTP ${error.httpStatus})`;
  return {
    code: error.code,
    summary: quoted
      ? `Kaleyra refused the message${status}: “${quoted}”`
      : `Kaleyra refused the message${status} without saying why.`,
    nextStep:
      error.httpStatus !== undefined && error.httpStatus >= 500
        ? 'Try again in a few minutes; if it keeps happening, contact Kaleyra support with this code.'
        : 'Contact Kaleyra support with this code if the reason is not clear.',
    retryable: error.httpStatus !== undefined && error.httpStatus >= 500,
  };
}

function quote(message: string | undefined): string | undefined {
  const flat = message?.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  return flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1)}…` : flat;
}
