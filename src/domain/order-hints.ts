import { type CountryCode, findPhoneNumbersInText, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { LIMITS, REFERENCE_PATTERN } from './order-status.ts';

/** What a message (a forwarded email, a ticket notification) says about an order, to prefill the send form. */
export type OrderHints = { to?: string; referenceId?: string };

// Longer than any message worth reading for hints; keeps the work bounded on a huge paste.
const MAX_TEXT = 10_000;

/** Words between "order" and its reference: `order no. 395001`, `Order ID: A-77`, `order ref 9`. */
const QUALIFIERS: ReadonlySet<string> = new Set(['no', 'no.', 'number', 'num', 'id', 'ref', 'reference']);

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

const isAlnum = (c: string | undefined) =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
const isWord = (c: string | undefined) => isAlnum(c) || c === '_';
/** The characters of a reference: letters, digits, `_`, `.`, `-`. */
const isTokenChar = (c: string | undefined) => isWord(c) || c === '.' || c === '-';
const isUpper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';
const isSpace = (c: string | undefined) => c !== undefined && c.trim() === '';

/**
 * Ways people write an order reference: `#395001`; `Order 395001` / `order no. 395001` /
 * `Order ID: A-77`; codes such as `ORD-77` or `SO_2024.5`. Read by one pass over the text with plain
 * code, not regular expressions: a pasted message is untrusted, and the patterns this replaces
 * backtracked (`order` and 9,990 spaces took minutes). Every run of reference characters is measured
 * once; each place a reference may start costs a few characters' look, so the work is linear.
 */
function firstReference(text: string, phoneDigits: string | undefined): string | undefined {
  const runs = new ReferenceRuns(text);
  for (let i = 0; i < text.length; i++) {
    const candidate = hashReference(text, i) ?? orderReference(text, i) ?? codeReference(text, i);
    if (candidate === undefined) continue;
    const value = runs.referenceAt(candidate);
    if (value !== undefined && isReference(value, phoneDigits)) return value;
  }
  return undefined;
}

/** `#395001`: where the reference starts, for a `#` that does not follow a word character or `#`. */
function hashReference(text: string, i: number): number | undefined {
  if (text[i] !== '#' || isWord(text[i - 1]) || text[i - 1] === '#') return undefined;
  return isAlnum(text[i + 1]) ? i + 1 : undefined;
}

/**
 * `order`, spaces, a qualifier (no., number, id, ref…), spaces, `:` or `#`, spaces, the reference:
 * where the reference starts, for an `order` that begins a word. Each skip of spaces stops at the
 * first other character, and the spaces it passes precede the next `order` at most, so over the
 * text the skips add up to one pass.
 */
function orderReference(text: string, i: number): number | undefined {
  if (isWord(text[i - 1]) || text.slice(i, i + 5).toLowerCase() !== 'order') return undefined;
  if (isWord(text[i + 5])) return undefined;
  let at = skipSpaces(text, i + 5);
  const word = readWord(text, at).toLowerCase();
  if (QUALIFIERS.has(word)) {
    const after = skipSeparator(text, skipSpaces(text, at + word.length));
    if (isAlnum(text[after])) return after;
    // `order no.395001`: the dot joins them.
    if (word === 'no' && text[at + 2] === '.' && isAlnum(text[at + 3])) return at + 3;
  }
  at = skipSeparator(text, at);
  return isAlnum(text[at]) ? at : undefined;
}

/** `ORD-77`, `SO_2024.5`: 2-6 capitals at the start of a word, `-` or `_`, then a letter or digit. */
function codeReference(text: string, i: number): number | undefined {
  if (!isUpper(text[i]) || isWord(text[i - 1])) return undefined;
  let end = i;
  while (end - i < 6 && isUpper(text[end])) end++;
  if (end - i < 2 || (text[end] !== '-' && text[end] !== '_') || !isAlnum(text[end + 1])) return undefined;
  return i;
}

function skipSpaces(text: string, from: number): number {
  let at = from;
  while (isSpace(text[at])) at++;
  return at;
}

/** An optional `:` or `#`, and the spaces after it. */
function skipSeparator(text: string, from: number): number {
  return text[from] === ':' || text[from] === '#' ? skipSpaces(text, from + 1) : from;
}

/** The letters at `from` (a qualifier is a word, `no.` with its dot when a space follows). */
function readWord(text: string, from: number): string {
  let end = from;
  while (end - from < 10 && isAlnum(text[end])) end++;
  if (text[end] === '.' && !isTokenChar(text[end + 1])) end++;
  return text.slice(from, end);
}

/**
 * The runs of reference characters in a text, each measured once: a reference is its run from where it
 * starts, less the punctuation that ends a sentence ("Order 395001." ends with a full stop).
 */
class ReferenceRuns {
  readonly #text: string;
  /** Where the run that holds a position ends, and where its last letter or digit is, per run start. */
  #end = -1;
  #lastAlnum = -1;

  constructor(text: string) {
    this.#text = text;
  }

  /** The reference starting at `start`, or undefined when it is longer than any reference may be. */
  referenceAt(start: number): string | undefined {
    if (start >= this.#end) this.#measure(start);
    const end = this.#lastAlnum + 1;
    if (end <= start || end - start > LIMITS.referenceId) return end <= start ? '' : undefined;
    return this.#text.slice(start, end);
  }

  #measure(start: number): void {
    const text = this.#text;
    let end = start;
    let lastAlnum = start - 1;
    while (end < text.length && isTokenChar(text[end])) {
      if (isAlnum(text[end])) lastAlnum = end;
      end++;
    }
    this.#end = end;
    this.#lastAlnum = lastAlnum;
  }
}

function isReference(value: string, phoneDigits: string | undefined): boolean {
  if (value.length === 0 || value.length > LIMITS.referenceId || !REFERENCE_PATTERN.test(value)) return false;
  // A reference has a digit; `Order status` or `Order confirmed` is a word, not a reference.
  if (!/\d/.test(value)) return false;
  return phoneDigits === undefined || !value.replace(/\D/g, '').endsWith(phoneDigits);
}
