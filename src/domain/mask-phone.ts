import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { normalisePhoneNumber } from './order-status.ts';

const HIDDEN = '••••';

/**
 * `+919876543210` → `+91 •••• 3210`: enough for an agent to recognise the customer in a channel,
 * not enough for everyone in it to read the number. Never throws: anything that does not parse keeps
 * only its last four digits, and anything too short to hide keeps nothing.
 */
export function maskPhoneNumber(raw: string): string {
  const normalised = typeof raw === 'string' ? normalisePhoneNumber(raw) : '';
  const digits = normalised.replace(/\D/g, '');
  let callingCode: string | undefined;
  try {
    callingCode = parsePhoneNumberWithError(normalised).countryCallingCode;
  } catch {
    callingCode = undefined;
  }
  const nationalLength = digits.length - (callingCode?.length ?? 0);
  // Showing four digits of a number that is barely longer than four would show most of it.
  if (nationalLength < 7) return callingCode ? `+${callingCode} ${HIDDEN}` : HIDDEN;
  const lastFour = digits.slice(-4);
  return callingCode ? `+${callingCode} ${HIDDEN} ${lastFour}` : `${HIDDEN} ${lastFour}`;
}
