/**
 * Consent keywords: a customer's message that is only one of these words opts their number out of the
 * business number's messages, or back in (the convention Twilio, WATI and Gupshup follow; the shared
 * document kaleyra-whatsapp-incoming-and-events.md). Matched on the whole message, never on a word
 * inside it: "please don't stop my order" opts nobody out. CANCEL, END and QUIT, which that convention
 * also lists, are not here: in an order conversation "Cancel" asks to cancel the order (admins may add
 * them as the workspace's own keywords).
 */
export type KeywordAction = 'opt_out' | 'opt_in';

/** A keyword found in a customer's message: what it asks, and the word as matched (its keyword form). */
export type FoundKeyword = { action: KeywordAction; word: string };

export const STANDARD_KEYWORDS: ReadonlyMap<string, KeywordAction> = new Map([
  ['STOP', 'opt_out'],
  ['STOPALL', 'opt_out'],
  ['UNSUBSCRIBE', 'opt_out'],
  ['OPTOUT', 'opt_out'],
  ['START', 'opt_in'],
  ['UNSTOP', 'opt_in'],
  ['SUBSCRIBE', 'opt_in'],
]);

/** A keyword is at most this long (letters after trimming); a longer message is never one. */
export const KEYWORD_MAX = 40;

// One character at a time, so nothing here can backtrack: whitespace, punctuation, symbols (emoji too,
// with the selectors and joiners emoji are spelt with; not other marks, which belong to their letter).
const AROUND_CLASS = /^[\s\p{P}\p{S}\p{Z}]$/u;
const EMOJI_PARTS: ReadonlySet<string> = new Set(['\u{FE0E}', '\u{FE0F}', '\u{200D}', '\u{20E3}']);
const SPACE = /^[\s\p{Z}]$/u;
const around = (char: string) => AROUND_CLASS.test(char) || EMOJI_PARTS.has(char);

/**
 * The message's whole text as a keyword would be written: what lies between the first and the last
 * character that is not whitespace, punctuation or a symbol, runs of spaces inside made one, in capitals
 * (compatibility forms folded: full-width ＳＴＯＰ reads STOP). Undefined when nothing is left or more
 * than KEYWORD_MAX is. Linear in the text's length, whatever it holds.
 */
export function keywordForm(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const chars = Array.from(text);
  let start = 0;
  while (start < chars.length && around(chars[start] as string)) start += 1;
  let end = chars.length;
  while (end > start && around(chars[end - 1] as string)) end -= 1;
  if (end === start || end - start > KEYWORD_MAX * 2) return undefined;
  let word = '';
  let spaced = false;
  for (const char of chars.slice(start, end)) {
    if (SPACE.test(char)) {
      spaced = true;
      continue;
    }
    word += spaced ? ` ${char}` : char;
    spaced = false;
  }
  const form = word.normalize('NFKC').toUpperCase();
  return form.length > 0 && form.length <= KEYWORD_MAX ? form : undefined;
}

/** The standard keywords of an action, as people read them: "STOP, STOPALL, UNSUBSCRIBE, OPTOUT". */
export function standardKeywordsOf(action: KeywordAction): string {
  return [...STANDARD_KEYWORDS].flatMap(([word, of]) => (of === action ? [word] : [])).join(', ');
}

/** A standard keyword's action, for a text already in keyword form. */
export function standardKeyword(form: string | undefined): KeywordAction | undefined {
  return form === undefined ? undefined : STANDARD_KEYWORDS.get(form);
}

/** Why an admin's keyword cannot be added, or undefined when it can (its keyword form is what is stored). */
export function keywordProblem(form: string | undefined): string | undefined {
  if (form === undefined) {
    return `A keyword is 1–${KEYWORD_MAX} letters or digits (words may be separated by spaces).`;
  }
  if (STANDARD_KEYWORDS.has(form)) return `${form} is already a standard keyword.`;
  return undefined;
}
