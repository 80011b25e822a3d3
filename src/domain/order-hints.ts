import { type CountryCode, findPhoneNumbersInText, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { LIMITS, REFERENCE_PATTERN } from './order-status.ts';

/** What a message (a forwarded email, a ticket notification) says about an order, to prefill the send form. */
export type OrderHints = { to?: string; referenceId?: string };

// Longer than any message worth reading for hints; keeps the work bounded on a huge paste.
const MAX_TEXT = 10_000;

/**
 * Ways people write an order reference, each capturing the reference itself: `#395001`,
 * `Order 395001` / `order no. 395001` / `Order ID: A-77`, and codes such as `ORD-77` or `SO_2024.5`.
 */
const REFERENCE_SHAPES: readonly RegExp[] = [
  /(?<![\w#])#([A-Za-z0-9][A-Za-z0-9_.-]*)/g,
  /\border\s*(?:no\.?|number|num|id|ref(?:erence)?)?\s*[:#]?\s*([A-Za-z0-9][A-Za-z0-9_.-]*)/gi,
  /\b([A-Z]{2,6}[-_][A-Za-z0-9][A-Za-z0-9_.-]*)/g,
];

/**
 * The first valid customer number (E.164, or a national number read with `defaultCountry`, the
 * country of the workspace's business number) and the first token that looks like an order reference,
 * in order of appearance. Never throws; finds nothing rather than guessing.
 */
export function findOrderHints(text: string, businessNumber?: string): OrderHints {
  const input = typeof text === 'string' ? text.slice(0, MAX_TEXT) : '';
  const hints: OrderHints = {};
  const phone = findPhoneNumbersInText(input, countryOf(businessNumber))[0];
  if (phone) hints.to = phone.number.number;
  const reference = firstReference(input, phone?.number.nationalNumber);
  if (reference) hints.referenceId = reference;
  return hints;
}

function countryOf(businessNumber: string | undefined): { defaultCountry?: CountryCode } {
  if (!businessNumber) return {};
  try {
    const country = parsePhoneNumberWithError(businessNumber).country;
    return country ? { defaultCountry: country } : {};
  } catch {
    return {};
  }
}

function firstReference(text: string, phoneDigits: string | undefined): string | undefined {
  let best: { at: number; value: string } | undefined;
  for (const shape of REFERENCE_SHAPES) {
    for (const match of text.matchAll(shape)) {
      const value = trimTrailingPunctuation(match[1] ?? '');
      const at = match.index ?? 0;
      if (!isReference(value, phoneDigits) || (best && best.at <= at)) continue;
      best = { at, value };
      break;
    }
  }
  return best?.value;
}

// "Order 395001." ends a sentence: the full stop is not part of the reference.
function trimTrailingPunctuation(value: string): string {
  return value.replace(/[.\-_]+$/, '');
}

function isReference(value: string, phoneDigits: string | undefined): boolean {
  if (value.length === 0 || value.length > LIMITS.referenceId || !REFERENCE_PATTERN.test(value)) return false;
  // A reference has a digit; `Order status` or `Order confirmed` is a word, not a reference.
  if (!/\d/.test(value)) return false;
  return phoneDigits === undefined || !value.replace(/\D/g, '').endsWith(phoneDigits);
}
