import type { SendRefusedError } from '../errors/send-refused-error.ts';
import type { SendWarning } from '../services/types.ts';
import type { ErrorDescription } from './error-description.ts';
import type { Surface } from './surface.ts';

/**
 * What a session text outside WhatsApp's 24-hour window means, in one place: the guard's refusal and
 * Meta's 131047 (should it still come back) read the same.
 */
export const WINDOW_CLOSED_SUMMARY =
  'WhatsApp allows a free-form reply only within 24 hours of the customer’s last message, and that window has closed';
export const WINDOW_CLOSED_NEXT_STEP =
  'Send the order-status template instead (it may be sent at any time); a reply is possible again once the customer writes.';

/** A send the consent and quality guard stopped before Kaleyra, in plain words with what to do next. */
export function describeRefusal(error: SendRefusedError, surface: Surface): ErrorDescription {
  const { details } = error;
  const nothing = surface.attempt === 'send' ? ', so nothing was sent' : '';
  switch (error.reason) {
    case 'opted_out': {
      const since = details.since ? ` since ${surface.time(details.since)}` : '';
      const by =
        details.by === undefined || details.by === 'customer'
          ? `the customer asked this business number to stop${details.why ? ` (“${surface.text(details.why)}”)` : ''}`
          : `${surface.actor(details.by)} opted the number out${details.why ? ` (${surface.text(details.why)})` : ''}`;
      return {
        code: error.code,
        summary: `This customer has opted out of WhatsApp messages${since}: ${by}${nothing}.`,
        nextStep: `Nothing goes to them until they send START. ${surface.commandStep('lift the opt-out only if they asked, another way, to hear from you again', { slack: 'optout remove +…', cli: 'optout remove --team T --to +…' })}`,
        retryable: false,
      };
    }
    case 'template_paused': {
      const language = details.languageCode ? ` in ${surface.literal(details.languageCode)}` : '';
      const name = details.templateName
        ? `${surface.literal(details.templateName)}${language}`
        : 'the template';
      const event = details.event ? ` (${surface.literal(details.event)})` : '';
      const reason = details.metaReason ? ` Meta’s reason: ${surface.text(details.metaReason)}.` : '';
      return {
        code: error.code,
        summary: `Meta has stopped the WhatsApp template ${name}${event}${nothing}.${reason}`,
        nextStep: surface.adminStep('pick another approved template in the settings'),
        retryable: false,
      };
    }
    case 'number_flagged': {
      const limit = details.currentLimit ? ` (messaging limit ${surface.literal(details.currentLimit)})` : '';
      return {
        code: error.code,
        summary: `Meta flagged the quality of the business number${limit}: bulk sends are paused so they cannot lower it further${nothing}.`,
        nextStep: `Single updates still go, and bulk sends resume when Meta unflags the number. To resume them before that: ${surface.commandStep('resume bulk sends deliberately', { slack: 'quality resume', cli: 'quality resume --team T' })}`,
        retryable: false,
      };
    }
    case 'window_closed': {
      const last = details.lastMessageAt
        ? ` (the customer last wrote ${surface.time(details.lastMessageAt)})`
        : ' (the customer has not written to this business number)';
      return {
        code: error.code,
        summary: `${WINDOW_CLOSED_SUMMARY}${last}${nothing}.`,
        nextStep: WINDOW_CLOSED_NEXT_STEP,
        retryable: false,
      };
    }
  }
}

/** The one line a send that went carries when the business number is flagged (single sends still go). */
export function describeSendWarning(warning: SendWarning, surface: Surface): string {
  return `Meta flagged the quality of the business number (${surface.literal(warning.event)} since ${surface.time(warning.since)}): this update went, but bulk sends are paused until the number recovers.`;
}
