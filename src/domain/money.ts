/**
 * WhatsApp Pay's money: an integer `value` over an integer `offset` (`{value: 125000, offset: 100}` is
 * ₹1,250.00). Meta says the offset is always 100 and the only currency INR; other offsets and
 * well-formed currency codes are still read and shown as they say.
 */
export type Money = { value: number; offset: number; currency: string };

/** The currency Meta's payments use, and what a missing or malformed code is read as. */
export const PAYMENT_CURRENCY = 'INR';

const CURRENCY_CODE = /^[A-Z]{3}$/;

/**
 * Money from a callback's fields, or undefined when they cannot be an amount: `value` a whole number of
 * at least 0, `offset` a whole number of at least 1, both exact in a double (the amount is shown as
 * Meta counted it, never rounded by a float).
 */
export function readMoney(
  value: number | undefined,
  offset: number | undefined,
  currency: string | undefined,
): Money | undefined {
  if (value === undefined || !Number.isSafeInteger(value) || value < 0) return undefined;
  const by = offset ?? 100;
  if (!Number.isSafeInteger(by) || by < 1) return undefined;
  const code = currency?.trim().toUpperCase() ?? '';
  return { value, offset: by, currency: CURRENCY_CODE.test(code) ? code : PAYMENT_CURRENCY };
}

const formats = new Map<string, Intl.NumberFormat>();

/**
 * `₹1,250.00`, `₹1,25,000.00`: the amount with Indian digit grouping (lakh, crore), as Node's ICU
 * formats `en-IN` currency. An offset that is a power of ten is formatted from the exact decimal text.
 */
export function formatMoney(money: Money): string {
  let format = formats.get(money.currency);
  if (!format) {
    format = new Intl.NumberFormat('en-IN', { style: 'currency', currency: money.currency });
    formats.set(money.currency, format);
  }
  return format.format(decimalOf(money) as Intl.StringNumericLiteral);
}

/** `value / offset` as decimal text when the offset is a power of ten (exact), else as a number. */
function decimalOf({ value, offset }: Money): string | number {
  const places = Math.log10(offset);
  if (!Number.isInteger(places)) return value / offset;
  if (places === 0) return String(value);
  const digits = String(value).padStart(places + 1, '0');
  return `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** The sum of amounts in one currency, at the first one's offset (refunds of one payment). */
export function sumMoney(amounts: readonly Money[]): Money | undefined {
  const first = amounts[0];
  if (!first) return undefined;
  const same = amounts.filter((money) => money.currency === first.currency);
  const value = same.reduce((total, money) => total + (money.value * first.offset) / money.offset, 0);
  return { value: Math.round(value), offset: first.offset, currency: first.currency };
}
