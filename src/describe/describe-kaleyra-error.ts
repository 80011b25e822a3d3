import { isPartiallyShippedOnTheWire } from '../domain/status-spelling.ts';
import type { KaleyraError } from '../kaleyra/kaleyra-error.ts';
import { statusSpellingStep } from './describe-status-spelling.ts';
import type { ErrorDescription } from './error-description.ts';
import type { Surface } from './surface.ts';

// Kaleyra's own words are quoted in the fallback; keep them to one short line.
const QUOTE_LIMIT = 200;

type Words = Omit<ErrorDescription, 'code'>;

const CHECK_BEFORE_RESENDING = 'Check with the customer or in Kaleyra’s reports before sending again.';

/** Kaleyra's documented codes whose meaning does not depend on anything else in the answer. */
const BY_CODE: Record<string, (surface: Surface) => Words> = {
  RBC001: (surface) => ({
    summary: 'Kaleyra rejected the SID or API key saved for this workspace, so nothing was sent.',
    nextStep: surface.adminStep('enter the Kaleyra SID and API key again'),
    retryable: false,
  }),
  WA401: (surface) => ({
    summary:
      'The WhatsApp business number in the settings is not on this Kaleyra account, so nothing was sent.',
    nextStep: surface.adminStep('correct the business number'),
    retryable: false,
  }),
  WA400: () => ({
    summary: 'Kaleyra rejected the message format, so nothing was sent.',
    nextStep:
      'Check that the template name and language match an approved template; if they do, contact Kaleyra support.',
    retryable: false,
  }),
  WA500: () => ({
    summary: 'Kaleyra had an internal problem and did not send the message.',
    nextStep: 'Try again in a few minutes.',
    retryable: true,
  }),
  E110: () => ({
    summary: 'The Kaleyra account balance is too low, so nothing was sent.',
    nextStep: 'Ask whoever manages the Kaleyra account to top it up, then send again.',
    retryable: false,
  }),
  WAV2101: () => ({
    summary: 'The WhatsApp business number has reached its daily messaging limit, so nothing was sent.',
    nextStep: 'Try again tomorrow, or ask Kaleyra or Meta to raise the number’s messaging tier.',
    retryable: false,
  }),
  TIMEOUT: () => ({
    // The limit is configurable (KALEYRA_TIMEOUT_MS), so no number is named here.
    summary: 'Kaleyra did not answer in time; the customer may still have received the message.',
    nextStep: CHECK_BEFORE_RESENDING,
    retryable: true,
  }),
};

/**
 * What a support agent (or CLI user) reads when a send did not end in WA202: what happened and what
 * to do next. `code` is shown beside these sentences, so they do not repeat it. Built only from the
 * code, HTTP status and Kaleyra's message, none of which carries a secret.
 */
export function describeKaleyraError(error: KaleyraError, surface: Surface): ErrorDescription {
  const words = wordsFor(error, surface);
  if (refusedOverStatus(error))
    words.nextStep = `${statusSpellingStep(surface, error.sentStatus)} ${words.nextStep}`;
  return { code: error.code, ...words };
}

/** A partially-shipped update Kaleyra refused as malformed, or naming a parameter or the status. */
function refusedOverStatus(error: KaleyraError): boolean {
  if (error.outcome !== 'rejected' || !isPartiallyShippedOnTheWire(error.sentStatus)) return false;
  return error.code === 'WA400' || /\b(status|param)/i.test(error.kaleyraMessage ?? '');
}

function wordsFor(error: KaleyraError, surface: Surface): Words {
  const fixed = BY_CODE[error.code];
  if (fixed) return fixed(surface);
  if (error.code === 'WA-401') return describeWa401(error, surface);
  if (error.code === 'NETWORK') return describeNetwork(error, surface);
  if (error.code === 'BAD_RESPONSE') return describeBadResponse(error);
  return describeOtherCode(error, surface);
}

function describeNetwork(error: KaleyraError, surface: Surface): Words {
  const where = error.host ? ` at ${surface.literal(error.host)}` : '';
  const why = typeof error.cause === 'string' ? ` (${surface.literal(error.cause)})` : '';
  if (error.outcome === 'rejected') {
    return {
      summary: `orderstatus could not reach Kaleyra${where}${why}: Kaleyra never received the request, so nothing was sent.`,
      nextStep: surface.operatorStep(
        'Check that this machine reaches Kaleyra (DNS, a proxy or firewall), and KALEYRA_BASE_URL if it is set.',
        'Try again in a minute.',
      ),
      retryable: true,
    };
  }
  return {
    summary: `The connection to Kaleyra${where} broke off mid-send${why}; the customer may have received the message.`,
    nextStep: CHECK_BEFORE_RESENDING,
    retryable: true,
  };
}

function describeWa401(error: KaleyraError, surface: Surface): Words {
  if (error.errorKey === 'account') {
    return {
      summary: 'This Kaleyra account’s plan does not include the WhatsApp API, so nothing was sent.',
      nextStep: 'Contact Kaleyra support to enable the WhatsApp API for the account.',
      retryable: false,
    };
  }
  if (error.errorKey === 'phone_number' || /different version/i.test(error.kaleyraMessage ?? '')) {
    return {
      summary:
        'The WhatsApp business number is set up on a different version of Kaleyra’s WhatsApp API, so nothing was sent.',
      nextStep: `${surface.adminStep('check the business number')} If it is right, ask Kaleyra to move it to API v2.`,
      retryable: false,
    };
  }
  return describeOtherCode(error, surface);
}

function describeBadResponse(error: KaleyraError): Words {
  const status = error.httpStatus === undefined ? '' : ` (HTTP ${error.httpStatus})`;
  if (error.outcome === 'rejected') {
    const quickRetry = error.httpStatus === 429 || error.httpStatus === 408;
    return {
      summary: `Kaleyra answered with something orderstatus could not read${status}; the message was not sent.`,
      nextStep: quickRetry
        ? 'Try again in a few minutes.'
        : 'Try again later; if it keeps happening, tell whoever runs orderstatus.',
      retryable: quickRetry,
    };
  }
  return {
    summary: `Kaleyra answered with something orderstatus could not read${status}; the message may or may not have gone out.`,
    nextStep: CHECK_BEFORE_RESENDING,
    retryable: true,
  };
}

function describeOtherCode(error: KaleyraError, surface: Surface): Words {
  const quoted = quote(error.kaleyraMessage);
  const status = error.httpStatus === undefined ? '' : ` (HTTP ${error.httpStatus})`;
  const serverSide = error.httpStatus !== undefined && error.httpStatus >= 500;
  return {
    summary: quoted
      ? `Kaleyra refused the message${status}: “${surface.text(quoted)}”`
      : `Kaleyra refused the message${status} without saying why.`,
    nextStep: serverSide
      ? 'Try again in a few minutes; if it keeps happening, contact Kaleyra support with this code.'
      : 'Contact Kaleyra support with this code if the reason is not clear.',
    retryable: serverSide,
  };
}

function quote(message: string | undefined): string | undefined {
  const flat = message?.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  return flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1)}…` : flat;
}
