import { getCountries, getCountryCallingCode, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { normalisePhoneNumber } from './order-status.ts';

const HIDDEN = '••••';

// Every country's calling code. Calling codes are prefix-free, so the first 1-3 digits of an E.164
// number that are one of these are its code: no full parse (several per send) is needed to mask it.
const CALLING_CODES: ReadonlySet<string> = new Set(getCountries().map((c) => getCountryCallingCode(c)));
// libphonenumber's limits for the digits after the code: outside them it gives no calling code.
const MIN_NATIONAL = 2;
const MAX_NATIONAL = 17;

/**
 * `+919876543210` → `+91 •••• 3210`: enough for an agent to recognise the customer in a channel,
 * not enough for everyone in it to read the number. Never throws: anything that does not parse keeps
 * only its last four digits, and anything too short to hide keeps nothing.
 */
export function maskPhoneNumber(raw: string): string {
  const normalised = typeof raw === 'string' ? normalisePhoneNumber(raw) : '';
  const digits = normalised.replace(/\D/g, '');
  const callingCode = callingCodeOf(normalised, digits);
  const nationalLength = digits.length - (callingCode?.length ?? 0);
  // Showing four digits of a number that is barely longer than four would show most of it.
  if (nationalLength < 7) return callingCode ? `+${callingCode} ${HIDDEN}` : HIDDEN;
  const lastFour = digits.slice(-4);
  return callingCode ? `+${callingCode} ${HIDDEN} ${lastFour}` : `${HIDDEN} ${lastFour}`;
}

function callingCodeOf(normalised: string, digits: string): string | undefined {
  if (/^\+\d+$/.test(normalised)) {
    for (let length = 1; length <= 3; length++) {
      const code = digits.slice(0, length);
      const national = digits.length - length;
      if (CALLING_CODES.has(code) && national >= MIN_NATIONAL && national <= MAX_NATIONAL) return code;
    }
  }
  // Anything else (a non-geographic code such as +800, letters, a number too short or too long): the
  // full parse decides, as it did for every number before.
  try {
    return parsePhoneNumberWithError(normalised).countryCallingCode;
  } catch {
    return undefined;
  }
}
