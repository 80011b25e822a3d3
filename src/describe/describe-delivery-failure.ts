import type { DeliveryError } from '../domain/delivery-state.ts';
import { WINDOW_CLOSED_NEXT_STEP, WINDOW_CLOSED_SUMMARY } from './describe-refusal.ts';
import { META_PARAMETER_CODES, statusSpellingStep } from './describe-status-spelling.ts';
import type { ErrorDescription } from './error-description.ts';
import type { Surface } from './surface.ts';

/**
 * A message WhatsApp reported as failed, or Kaleyra as not sent, after the send was accepted. `status`:
 * the order status of an order-status update (a reply has none).
 */
export type DeliveryFailure = {
  state: 'failed' | 'not_sent';
  error?: DeliveryError | undefined;
  status?: string | undefined;
};

type Words = Omit<ErrorDescription, 'code'>;

// Kaleyra's (Meta's) own words are quoted for an unmapped code; keep them to one short line.
const QUOTE_LIMIT = 200;
const TEMPLATE_ADMIN = 'Ask whoever manages the WhatsApp templates to';
const ANOTHER_WAY = 'reach the customer another way (phone, SMS or email)';

const words = (summary: string, nextStep: string, retryable = false): Words => ({
  summary,
  nextStep,
  retryable,
});

/**
 * Meta's error codes on a `failed` status (the shared callbacks document's table), in plain words. Each
 * summary says what happened to the customer's message; the next step says what the agent can do.
 */
const BY_META_CODE: Record<string, (surface: Surface) => Words> = {
  '130429': () =>
    words(
      'WhatsApp refused the message: the business number hit its throughput limit.',
      'Send it again in a minute; if it keeps happening, ask whoever manages the Kaleyra account for a higher messaging tier.',
      true,
    ),
  '131000': () =>
    words(
      'Something went wrong at WhatsApp (Meta), so the message was not delivered.',
      'Try again later.',
      true,
    ),
  '131005': () =>
    words(
      'WhatsApp denied access: the WhatsApp Business account lacks a permission (or payments are not set up for order messages).',
      'Ask whoever manages the WhatsApp Business account to check its setup in Kaleyra and Meta.',
    ),
  '131008': () =>
    words(
      'WhatsApp refused the message: a required parameter was missing.',
      'Check the order reference and status, then send again.',
    ),
  '131009': () =>
    words(
      'WhatsApp refused the message: a parameter value was not valid.',
      'Check the order reference and status, then send again.',
    ),
  '131026': () =>
    words(
      'WhatsApp could not deliver the message: the number may not be on WhatsApp, may use an old version of the app, or the customer has not accepted WhatsApp’s new terms.',
      `Do not resend; ${ANOTHER_WAY}.`,
    ),
  // The same words as a reply the window check refused before Kaleyra (describe-refusal.ts).
  '131047': () =>
    words(`${WINDOW_CLOSED_SUMMARY}, so WhatsApp did not deliver the message.`, WINDOW_CLOSED_NEXT_STEP),
  '131049': () =>
    words(
      'Meta held the message back to keep the customer’s experience healthy (it limits how many business messages a customer gets).',
      `Do not resend at once: try later, or ${ANOTHER_WAY}.`,
    ),
  '131050': () =>
    words(
      'The customer has stopped marketing messages from this business, so WhatsApp did not deliver it.',
      `Do not resend; ${ANOTHER_WAY} if they need the update.`,
    ),
  '131056': () =>
    words(
      'Too many messages went to this customer in a short time (WhatsApp’s per-customer limit).',
      'Wait a few minutes before sending to this customer again.',
      true,
    ),
  '132000': () =>
    words(
      'The number of parameters does not match the approved template.',
      `${TEMPLATE_ADMIN} check the template.`,
    ),
  '132001': (surface) =>
    words(
      'The template does not exist in that language (or is not approved).',
      surface.adminStep('check the template name and language'),
    ),
  '132005': () =>
    words(
      'The message is too long once the template’s text is filled in.',
      'Shorten the description and send again.',
    ),
  '132007': () =>
    words('The template breaks a WhatsApp formatting policy.', `${TEMPLATE_ADMIN} check the template.`),
  '132012': () =>
    words(
      'A parameter’s format does not match the approved template.',
      `${TEMPLATE_ADMIN} check the template.`,
    ),
  '132015': (surface) =>
    words('WhatsApp paused the template for low quality.', surface.adminStep('choose another template')),
  '132016': (surface) =>
    words('WhatsApp disabled the template for low quality.', surface.adminStep('choose another template')),
  '133010': () =>
    words(
      'The WhatsApp business number is not registered with WhatsApp.',
      'Ask whoever manages the Kaleyra account to finish the number’s registration.',
    ),
};

/** Every code with words of its own (metrics count the others as `other`). */
export const DESCRIBED_DELIVERY_CODES: ReadonlySet<string> = new Set([
  ...Object.keys(BY_META_CODE),
  'NOT_SENT',
  'FAILED',
]);

/** The code a delivery failure is shown with: Meta's number, `NOT_SENT`, or `FAILED` when none was given. */
export function deliveryFailureCode(failure: DeliveryFailure): string {
  if (failure.state === 'not_sent') return 'NOT_SENT';
  const code = failure.error?.code?.trim();
  return code ? code.slice(0, 40) : 'FAILED';
}

/**
 * What the agent reads when a message Kaleyra accepted did not reach the customer: WhatsApp's code,
 * what it means and what to do. An unmapped code is named with Kaleyra's (Meta's) own words.
 */
export function describeDeliveryFailure(failure: DeliveryFailure, surface: Surface): ErrorDescription {
  const code = deliveryFailureCode(failure);
  if (failure.state === 'not_sent') {
    return {
      code,
      ...words(
        'Kaleyra did not pass the message on to WhatsApp, so the customer did not get it.',
        'Check the message in Kaleyra’s reports (balance, template, number), then send again; if it keeps happening, contact Kaleyra support.',
      ),
    };
  }
  // Own keys only: the code comes from outside, and `constructor` is not a Meta error.
  const known = Object.hasOwn(BY_META_CODE, code) ? BY_META_CODE[code] : undefined;
  if (failure.status === 'partially_shipped' && META_PARAMETER_CODES.has(code)) {
    const summary = known?.(surface).summary ?? 'WhatsApp refused a parameter of the update.';
    return { code, ...words(summary, statusSpellingStep(surface)) };
  }
  if (known) return { code, ...known(surface) };
  const quoted = quote(failure.error?.title);
  return {
    code,
    ...words(
      quoted
        ? `WhatsApp did not deliver the message: “${surface.text(quoted)}”`
        : 'WhatsApp reported the message as failed without saying why.',
      'Contact Kaleyra support with this code if the reason is not clear.',
    ),
  };
}

function quote(text: string | undefined): string | undefined {
  const flat = text?.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  return flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT - 1)}…` : flat;
}
