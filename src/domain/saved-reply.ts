import * as v from 'valibot';
import { cleanCustomerText } from './customer-text.ts';
import { withoutInvisibleCharacters } from './order-status.ts';
import { SESSION_TEXT_MAX, validateReplyText } from './session-text.ts';

/**
 * A workspace's saved replies: a name agents pick in Slack, and a text with placeholders filled in when
 * it is sent. A literal brace is written twice (`{{`, `}}`), as in Python's and .NET's format strings, so
 * every single brace in a saved text belongs to a placeholder and a typo is found when it is saved.
 */

export const PLACEHOLDERS = ['name', 'order', 'status', 'agent'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What each placeholder stands for, as admins read it. */
export const PLACEHOLDER_MEANINGS: Record<Placeholder, string> = {
  name: 'the customer’s WhatsApp name',
  order: 'the order reference',
  status: 'the order’s status',
  agent: 'the name of the agent who sends it',
};

/**
 * A name is both the text and the value of an option in Slack's select (at most 75 and 150 characters),
 * so it is shown whole and read back as typed.
 */
export const SAVED_REPLY_NAME_MAX = 75;

/**
 * How many replies a workspace keeps: the Reply form's select holds 100 options, and the admins' modal
 * shows each reply as one block (with its Remove button) of the 100 a modal holds, beside its add form.
 */
export const SAVED_REPLIES_MAX = 90;

/** A saved reply as the layers above storage see it. */
export type SavedReply = {
  name: string;
  /** As written: placeholders and doubled braces unfilled. */
  text: string;
  /** A Slack user id, or `cli`. */
  savedBy: string;
  savedAt: Date;
};

/** A valid name and the key it is unique by (case and compatibility forms folded). */
export type SavedReplyName = { name: string; key: string };

type Read<T> = ({ ok: true } & T) | { ok: false; issue: string };

const PLACEHOLDER_LIST = PLACEHOLDERS.map((p) => `{${p}}`).join(', ');
const ESCAPE_RULE = 'Write {{ or }} for a literal brace.';
// A placeholder's name is short: a { this far from its } is a brace the writer meant literally.
const TOKEN_MAX = 20;

// Control characters, line breaks and tabs included: a name is one line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const NAME_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const NameSchema = v.pipe(
  v.string('Give the reply a name.'),
  withoutInvisibleCharacters('name'),
  v.check((value) => !NAME_CONTROL.test(value), 'The name must be one line of plain text.'),
  v.check((value) => value.isWellFormed(), 'The name must be plain text (it holds half an emoji).'),
  v.transform((value) => value.trim().replace(/\s+/g, ' ')),
  v.nonEmpty('Give the reply a name.'),
  v.maxLength(
    SAVED_REPLY_NAME_MAX,
    `The name can be at most ${SAVED_REPLY_NAME_MAX} characters (agents pick it from a list in Slack).`,
  ),
);

/** A name as typed (the CLI's --name, the admins' form, the Reply form's pick), checked, with its key. */
export function readSavedReplyName(input: unknown): Read<SavedReplyName> {
  const parsed = v.safeParse(NameSchema, input);
  if (!parsed.success) return { ok: false, issue: parsed.issues[0].message };
  return { ok: true, name: parsed.output, key: savedReplyKey(parsed.output) };
}

/** `Delayed`, `DELAYED` and `delayed` are one name; so are `ﬁnal` and `final`. */
function savedReplyKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase();
}

/** A saved text as parsed: literal text (braces undoubled) and placeholders, in order. */
export type SavedReplyPart = { text: string } | { placeholder: Placeholder };

const isPlaceholder = (word: string): word is Placeholder =>
  (PLACEHOLDERS as readonly string[]).includes(word);

/**
 * The parts of a saved text, or why it is not one: an unknown placeholder (named), a `{` never closed, a
 * lone `}`. One pass, each character looked at a bounded number of times: linear on any input.
 */
export function parseSavedReplyText(text: string): Read<{ parts: SavedReplyPart[] }> {
  const parts: SavedReplyPart[] = [];
  let literal = '';
  let from = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char !== '{' && char !== '}') continue;
    literal += text.slice(from, at);
    if (text[at + 1] === char) {
      literal += char;
      at += 1;
      from = at + 1;
      continue;
    }
    if (char === '}') {
      return {
        ok: false,
        issue: `The } at character ${position(text, at)} closes no placeholder. ${ESCAPE_RULE}`,
      };
    }
    const close = closingBrace(text, at);
    if (close === undefined) {
      return {
        ok: false,
        issue: `The { at character ${position(text, at)} opens no placeholder: the placeholders are ${PLACEHOLDER_LIST}. ${ESCAPE_RULE}`,
      };
    }
    const word = text.slice(at + 1, close);
    if (!isPlaceholder(word)) return { ok: false, issue: unknownPlaceholder(word) };
    if (literal !== '') parts.push({ text: literal });
    parts.push({ placeholder: word });
    literal = '';
    at = close;
    from = close + 1;
  }
  literal += text.slice(from);
  if (literal !== '') parts.push({ text: literal });
  const shown = parts.map((part) => ('text' in part ? placeholderShape(part.text) : undefined)).find(Boolean);
  if (shown === undefined) return { ok: true, parts };
  const issue = `{{${shown}}} would send “{${shown}}” to the customer as written: write {${shown}} for ${PLACEHOLDER_MEANINGS[shown]}.`;
  return { ok: false, issue };
}

/**
 * A placeholder that doubled braces would send as written (`{{name}}`, as Mustache writes one): the
 * customer would read "{name}". A literal brace around any other word is what its writer asked for.
 */
function placeholderShape(literal: string): Placeholder | undefined {
  for (let at = literal.indexOf('{'); at !== -1; at = literal.indexOf('{', at + 1)) {
    const close = closingBrace(literal, at) ?? at + 1;
    const word = literal
      .slice(at + 1, close)
      .trim()
      .toLowerCase();
    if (isPlaceholder(word)) return word;
  }
  return undefined;
}

/** Where the `}` of a placeholder opened at `open` is: within TOKEN_MAX characters, on the same line. */
function closingBrace(text: string, open: number): number | undefined {
  const end = Math.min(text.length, open + 2 + TOKEN_MAX);
  for (let at = open + 1; at < end; at++) {
    const char = text[at];
    if (char === '}') return at;
    if (char === '{' || char === '\n' || char === '\r') return undefined;
  }
  return undefined;
}

function unknownPlaceholder(word: string): string {
  const meant = word.trim().toLowerCase();
  const hint = isPlaceholder(meant) ? ` Write it as {${meant}}.` : '';
  const known = PLACEHOLDERS.map((p) => `{${p}} (${PLACEHOLDER_MEANINGS[p]})`);
  return `Unknown placeholder {${word}}.${hint} The placeholders are ${known.join(', ')}. ${ESCAPE_RULE}`;
}

/** 1-based, in characters as people count them (an emoji is one). */
const position = (text: string, index: number) => [...text.slice(0, index)].length + 1;

/**
 * A saved text as typed (--text, the admins' form), checked as a reply is (1 to 4,096 characters after
 * trimming, plain text) and for its placeholders; the placeholders it uses, each once, in order.
 */
export function readSavedReplyText(input: unknown): Read<{ text: string; uses: Placeholder[] }> {
  const typed = validateReplyText(input);
  if (!typed.ok) return typed;
  const parsed = parseSavedReplyText(typed.text);
  if (!parsed.ok) return parsed;
  return { ok: true, text: typed.text, uses: placeholdersOf(parsed.parts) };
}

function placeholdersOf(parts: readonly SavedReplyPart[]): Placeholder[] {
  const used = new Set<Placeholder>();
  for (const part of parts) if ('placeholder' in part) used.add(part.placeholder);
  return [...used];
}

/** Values for a send; a missing or blank one refuses every reply that uses it. */
export type PlaceholderValues = Partial<Record<Placeholder, string | null | undefined>>;

export type FillResult =
  | { ok: true; text: string }
  /** A placeholder the text uses has no value (a customer without a WhatsApp name). */
  | { ok: false; reason: 'unfilled'; placeholder: Placeholder }
  /** Filled in, it is longer than a session text may be. */
  | { ok: false; reason: 'too_long'; length: number; max: number }
  /** The saved text itself is not one (saved before a rule changed). */
  | { ok: false; reason: 'invalid'; issue: string };

/**
 * The text to send: every placeholder replaced by its value, doubled braces undoubled. Values are made
 * one line of plain text first (a name is outside text) and never read for placeholders themselves, so
 * what goes to the customer holds no unfilled placeholder, whatever the values say.
 */
export function fillSavedReply(text: string, values: PlaceholderValues): FillResult {
  const parsed = parseSavedReplyText(text);
  if (!parsed.ok) return { ok: false, reason: 'invalid', issue: parsed.issue };
  // Each value made one line once, however often the text uses it; nothing copied past the limit.
  const cleaned = new Map<Placeholder, string>();
  const pieces: string[] = [];
  let length = 0;
  for (const part of parsed.parts) {
    let piece: string;
    if ('text' in part) piece = part.text;
    else {
      const value =
        cleaned.get(part.placeholder) ?? oneLine(values[part.placeholder] ?? '', SESSION_TEXT_MAX + 1);
      if (value === '') return { ok: false, reason: 'unfilled', placeholder: part.placeholder };
      cleaned.set(part.placeholder, value);
      piece = value;
    }
    length += piece.length;
    if (length <= SESSION_TEXT_MAX) pieces.push(piece);
  }
  // A saved text is trimmed and values are too, so this is the length WhatsApp counts.
  if (length > SESSION_TEXT_MAX) return { ok: false, reason: 'too_long', length, max: SESSION_TEXT_MAX };
  const filled = pieces.join('');
  const checked = validateReplyText(filled);
  return checked.ok
    ? { ok: true, text: checked.text }
    : { ok: false, reason: 'invalid', issue: checked.issue };
}

/** Outside text as one line: no control or invisible characters, whitespace runs as one space, at most `max`. */
function oneLine(text: string, max: number): string {
  return cleanCustomerText(text, max).text.replace(/\s+/g, ' ');
}

/** A saved text as one line of at most `max` characters (placeholders as written), `…` where it was cut. */
export function previewSavedReply(text: string, max: number): string {
  const line = oneLine(text, text.length);
  if (line.length <= max) return line;
  return `${cleanCustomerText(line, Math.max(0, max - 1)).text}…`;
}
