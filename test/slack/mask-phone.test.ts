import { getCountries, getExampleNumber, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { maskPhoneNumber } from '../../src/domain/mask-phone.ts';

describe('maskPhoneNumber', () => {
  it.each([
    ['+919876543210', '+91 •••• 3210'],
    ['+91 98765 43210', '+91 •••• 3210'],
    ['+14155552671', '+1 •••• 2671'],
    ['+6591234567', '+65 •••• 4567'],
    ['919876543210', '•••• 3210'],
    ['+4420', '+44 ••••'],
    ['12', '••••'],
    ['', '••••'],
    ['not a number', '••••'],
  ])('%j → %j', (raw, masked) => {
    expect(maskPhoneNumber(raw)).toBe(masked);
  });

  it('never shows the middle digits', () => {
    expect(maskPhoneNumber('+919876543210')).not.toContain('98765');
  });
});

describe('maskPhoneNumber without a full parse', () => {
  /** The calling code as a full parse finds it (what masking used before). */
  const parsedCode = (number: string) => {
    try {
      return parsePhoneNumberWithError(number).countryCallingCode;
    } catch {
      return undefined;
    }
  };

  it('shows the calling code a full parse finds, for every country, a non-geographic number and odd lengths', () => {
    const numbers = getCountries()
      .map((country) => getExampleNumber(country, examples)?.number)
      .filter((n): n is NonNullable<typeof n> => n !== undefined);
    expect(numbers.length).toBeGreaterThan(200);
    for (const number of [
      ...numbers,
      '+80012345678',
      '+1',
      '+12',
      '+123',
      '+9',
      '+99912345678',
      `+91${'9'.repeat(18)}`,
    ]) {
      const code = parsedCode(number);
      const masked = maskPhoneNumber(number);
      if (code) expect(masked, number).toMatch(new RegExp(`^\\+${code} ••••`));
      else expect(masked, number).toMatch(/^••••/);
    }
  });
});
