import { INVISIBLE_CHARACTERS } from './order-status.ts';

/** WhatsApp's own limit for a text; anything longer is not a customer's message and is cut when read. */
export const STORED_TEXT_MAX = 4_096;
/** A customer's message is cut here for Slack (a section holds 3,000; the rest of the message needs room). */
export const CUSTOMER_TEXT_MAX = 2_500;
/** Names, captions, titles, file names: a line, not a page. */
export const CUSTOMER_LABEL_MAX = 200;

// Control characters but the line break and tab a message may have; each one is a single character, so
// the pattern cannot backtrack.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export type CleanText = { text: string; cut: boolean };

/**
 * Text a customer sent, as the app may store and show it: no control characters, none of the invisible
 * format characters that can disguise text (the ones sends refuse), at most `max` UTF-16 units (never a
 * split surrogate pair). Escaping for a surface is that surface's job.
 */
export function cleanCustomerText(raw: string, max: number = CUSTOMER_TEXT_MAX): CleanText {
  let text = '';
  for (const char of raw.replace(CONTROL, ' ')) {
    if (INVISIBLE_CHARACTERS[char.codePointAt(0) ?? 0] !== undefined) continue;
    if (text.length + char.length > max) return { text: text.trimEnd(), cut: true };
    text += char;
  }
  return { text: text.trim(), cut: false };
}

/** A one-line label (a name, a caption, a title): cleaned, line breaks folded, bounded. */
export function cleanCustomerLabel(raw: string, max: number = CUSTOMER_LABEL_MAX): string {
  return cleanCustomerText(raw.replace(/[\r\n\t]+/g, ' '), max).text;
}
