import * as v from 'valibot';
import { withoutInvisibleCharacters } from './order-status.ts';

/** WhatsApp's limit for a session text's body (kaleyra-whatsapp-incoming-and-events.md). */
export const SESSION_TEXT_MAX = 4_096;

/** A business may send a free-form (session) message only this long after the customer's last message. */
export const REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;

// Control characters but the line break, carriage return and tab a reply (or a caption) may have: each
// is one character, so the pattern cannot backtrack.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
export const TEXT_CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Words an agent types for a customer (`what`: a reply, a caption), as they may be sent: at most `max`
 * characters after trimming, several lines allowed, none of the invisible format characters that can
 * disguise text, no other control characters, no half an emoji. Possibly empty.
 */
export function agentTextSchema(what: string, max: number) {
  return v.pipe(
    v.string(`Write the ${what}.`),
    withoutInvisibleCharacters(what),
    v.trim(),
    v.maxLength(max, `The ${what} can be at most ${max.toLocaleString('en')} characters (WhatsApp’s limit).`),
    v.check(
      (value) => !TEXT_CONTROL_CHARACTERS.test(value),
      `The ${what} must be plain text (no control characters).`,
    ),
    // A lone surrogate (half an emoji) cannot be encoded as the UTF-8 text WhatsApp shows.
    v.check((value) => value.isWellFormed(), `The ${what} must be plain text (it holds half an emoji).`),
  );
}

/** An agent's reply as it may be sent: 1 to 4,096 characters of agentTextSchema's plain text. */
export const ReplyTextSchema = v.pipe(
  agentTextSchema('reply', SESSION_TEXT_MAX),
  v.nonEmpty('Write the reply.'),
);

export type ReplyTextResult = { ok: true; text: string } | { ok: false; issue: string };

/** Validates a reply typed at an edge (the modal, the CLI); the one message to show when it is not valid. */
export function validateReplyText(input: unknown): ReplyTextResult {
  const parsed = v.safeParse(ReplyTextSchema, input);
  return parsed.success ? { ok: true, text: parsed.output } : { ok: false, issue: parsed.issues[0].message };
}

/**
 * Where WhatsApp's 24-hour window stands for a customer, counted from their last message: from its own
 * time, or its receipt when that is earlier (message-time.ts).
 */
export type ReplyWindow =
  | { open: true; lastMessageAt: Date; closesAt: Date; leftMs: number }
  | { open: false; lastMessageAt: Date | undefined };

/** The window after a customer's last message (`sentAt`: where it counts from), at `now` (ms). */
export function replyWindowOf(sentAt: Date | undefined, now: number): ReplyWindow {
  if (!sentAt) return { open: false, lastMessageAt: undefined };
  const closes = sentAt.getTime() + REPLY_WINDOW_MS;
  if (now >= closes) return { open: false, lastMessageAt: sentAt };
  return { open: true, lastMessageAt: sentAt, closesAt: new Date(closes), leftMs: closes - now };
}

/** "5 h 12 min", "40 min", "under a minute": the time left, rounded down. */
export function describeTimeLeft(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
