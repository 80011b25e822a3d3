import type { KnownBlock } from '@slack/types';
import { isSlackUserId } from '../../domain/slack-user.ts';

/** What chat.postMessage, chat.postEphemeral and a response_url accept from us. */
export type SlackMessage = { text: string; blocks: KnownBlock[] };

/**
 * Makes user-typed text inert in mrkdwn: `<!channel>`, `<@U…>` and `<https://evil|x>` only mean
 * something inside angle brackets, and Slack asks for exactly these three escapes. A bare `@channel`
 * is only a mention when a message is posted with `link_names`; a word joiner after the `@` keeps it
 * plain text even then.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/**
 * An https URL as the target of a mrkdwn link: parsed again (so `<`, `>`, spaces and quotes are
 * percent-encoded), `|` encoded (it would start the label), `&` escaped as Slack asks. Anything else: none.
 */
export function httpsLink(raw: string): string | undefined {
  if (!URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  if (url.protocol !== 'https:') return undefined;
  return url.href.replace(/\|/g, '%7C').replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E');
}

/** For text inside `code`: a backtick would close the span early and let the rest be formatted. */
export function escapeCode(text: string): string {
  return escapeMrkdwn(codeText(text));
}

const codeText = (text: string) => text.replace(/`/g, 'ˋ').replace(/[\r\n]+/g, ' ');

/** Cuts to `max` UTF-16 units (Slack's unit) without splitting a surrogate pair, marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, pairSafeEnd(text, Math.max(0, max - 1)))}…`;
}

/**
 * Cuts mrkdwn (already escaped) to `max` UTF-16 units as Slack measures it, marking the cut with `…`,
 * never inside an entity (`&amp;`), a `<…>` (mention, date, link) or a surrogate pair.
 */
export function cutMrkdwn(mrkdwn: string, max: number): string {
  if (mrkdwn.length <= max) return mrkdwn;
  let end = pairSafeEnd(mrkdwn, Math.max(0, max - 1));
  const entity = mrkdwn.lastIndexOf('&', end - 1);
  if (entity !== -1 && !mrkdwn.slice(entity, end).includes(';')) end = entity;
  const token = mrkdwn.lastIndexOf('<', end - 1);
  if (token !== -1 && !mrkdwn.slice(token, end).includes('>')) end = token;
  return `${mrkdwn.slice(0, end)}…`;
}

/** Outside text made inert for mrkdwn, then cut to `max` as sent: escaping may make it up to five times longer. */
export function escapeWithin(text: string, max: number): string {
  return cutMrkdwn(escapeMrkdwn(headOf(text, max)), max);
}

/** Outside text for inside `code`, escaped, then cut to `max` as sent. */
export function codeWithin(text: string, max: number): string {
  // Line breaks become one space first: only then does escaping never shorten the text.
  return escapeWithin(codeText(text), max);
}

// Escaping never shortens: more than `max + 1` characters of the original can never be shown.
const headOf = (text: string, max: number) => (text.length > max + 1 ? text.slice(0, max + 1) : text);

function pairSafeEnd(text: string, end: number): number {
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** Codes are ours or Kaleyra's (`WA401`, `RBC001`); anything else is shown, not interpreted. */
export function plainCode(code: string, fallback: string): string {
  const cleaned = String(code)
    .replace(/[^A-Za-z0-9_-]/g, '')
    .slice(0, 40);
  return cleaned === '' ? fallback : cleaned;
}

/** A message_id inside `code`: Kaleyra's and Slack's ids are short; a longer one is not worth a 3000-character section. */
export function shownId(id: string): string {
  return codeWithin(id, 100);
}

/** Outside text quoted line by line, escaped, then cut to `max` as sent (the `> ` of each line counted). */
export function quoteWithin(text: string, max: number): string {
  return cutMrkdwn(quote(escapeMrkdwn(headOf(text, max))), max);
}

/** Quotes every line, so a multi-line text stays inside the quote. */
export function quote(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
}

/**
 * `<!date^…>` shows the time in each reader's own time zone; the fallback (UTC) is what clients that
 * cannot format dates, and notifications, show. Text that is not a date is shown as it is.
 */
export function formatSlackDate(iso: string): string {
  const millis = Date.parse(iso);
  if (!Number.isFinite(millis)) return escapeWithin(String(iso), 40);
  const unix = Math.floor(millis / 1000);
  const fallback = `${new Date(unix * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${unix}^{date_short_pretty} at {time}|${fallback}>`;
}

export { isSlackUserId };

/** Who did something: a Slack user as a mention, the CLI by name, anything else as inert text. */
export function formatActor(by: string): string {
  if (by === 'cli') return 'the CLI';
  if (isSlackUserId(by)) return `<@${by}>`;
  return escapeWithin(String(by), 80);
}
