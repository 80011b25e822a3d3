import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { keywordForm } from '../../domain/consent-keywords.ts';
import { CUSTOMER_TEXT_MAX } from '../../domain/customer-text.ts';
import type { IncomingLocation, IncomingMedia } from '../../domain/incoming-message.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { REPLY_ACTION } from '../ids.ts';
import { buildActions } from '../messages/buttons.ts';
import { consentNoticeText } from '../messages/consent-notice.ts';
import {
  codeWithin,
  cutMrkdwn,
  escapeMrkdwn,
  escapeWithin,
  formatSlackDate,
  httpsLink,
  quote,
  type SlackMessage,
} from '../messages/mrkdwn.ts';

/** A customer's message as Slack shows it. Every string but `note` came from outside and is escaped here. */
export type CustomerMessageInput = {
  /** The stored message's id: the Reply button's value. */
  incomingId: string;
  customerName: string | undefined;
  customerMasked: string;
  type: string;
  text: string | undefined;
  media?: IncomingMedia | undefined;
  location?: IncomingLocation | undefined;
  sentAt: Date;
  keyword?: 'opt_out' | 'opt_in' | undefined;
  /** The keyword came too late to count (a newer word or change decides). */
  keywordLate?: boolean | undefined;
  /** The order it is about, named when the message is not in that order's own thread. */
  referenceId?: string | undefined;
  /** The Slack user to mention (the agent who sent the order, on its first customer message). */
  mention?: string | undefined;
  /** Why it is not in the order's thread (our own mrkdwn, from not-in-thread.ts). */
  note?: string | undefined;
};

/** A text's quoted, escaped form: a section of its own. */
export const QUOTED_TEXT_MAX = SLACK_LIMITS.sectionText;
/** Longer (escaped) media links are not shown: Kaleyra's are a few hundred characters. */
const LINK_MAX = 2_000;
/** The short text notifications and old clients show. */
const FALLBACK_MAX = 300;
const NAME_MAX = 100;
const SLACK_USER = /^[UW][A-Z0-9]{1,30}$/;

const MEDIA_WORDS: Record<string, string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Voice message or audio',
  document: 'Document',
  sticker: 'Sticker',
};

/**
 * The customer's message for the order's thread (or the replies channel, or a DM): who sent it and
 * when, what it says or carries, why it is not in the thread when it is not, and a Reply button.
 */
export function buildCustomerMessage(input: CustomerMessageInput): SlackMessage {
  const who = whoLine(input);
  const body = bodyOf(input);
  const blocks: KnownBlock[] = [section(who), ...body.sections.map(section)];
  const notes = [
    body.cut
      ? `:scissors: Cut to its first ${count(body.cut.shown)} of ${count(body.cut.total)} characters: Slack shows no more in one message.`
      : undefined,
    input.keyword
      ? consentNoticeText({
          action: input.keyword,
          customerMasked: input.customerMasked,
          // The word itself only for a text: a button's own line already says what was tapped.
          keyword: input.type === 'text' ? keywordForm(input.text) : undefined,
          at: input.sentAt.toISOString(),
          late: input.keywordLate === true,
        })
      : undefined,
    input.note ? `:information_source: ${input.note}` : undefined,
  ].filter((line): line is string => line !== undefined);
  if (notes.length > 0) blocks.push(context(notes.join('\n')));
  // Someone who asked to stop gets no reply from Slack (the send would be refused anyway).
  if (input.keyword !== 'opt_out' || input.keywordLate) blocks.push(replyButton(input.incomingId));
  const mention = mentionOf(input.mention);
  const text = cutMrkdwn(`${mention}${customerLabel(input)}: ${body.summary}`, FALLBACK_MAX);
  return { text, blocks };
}

const count = (n: number) => n.toLocaleString('en-US');

function whoLine(input: CustomerMessageInput): string {
  const about = input.referenceId ? ` about order \`${codeWithin(input.referenceId, 40)}\`` : '';
  return `${mentionOf(input.mention)}:speech_balloon: ${customerLabel(input)}${about} · ${formatSlackDate(input.sentAt.toISOString())}`;
}

function customerLabel(input: Pick<CustomerMessageInput, 'customerName' | 'customerMasked'>): string {
  const masked = escapeWithin(input.customerMasked, 40);
  if (!input.customerName) return `*${masked}*`;
  return `*${escapeWithin(input.customerName, NAME_MAX)}* (${masked})`;
}

function mentionOf(userId: string | undefined): string {
  return userId && SLACK_USER.test(userId) ? `<@${userId}> ` : '';
}

type Body = {
  /** Each its own section (a media line, then the quoted caption, each within Slack's 3,000). */
  sections: string[];
  summary: string;
  /** Set when the text was cut to fit: how much of how much is shown. */
  cut?: { shown: number; total: number };
};

/** What the message says or carries, in mrkdwn, and a one-line summary of it (also escaped). */
function bodyOf(input: CustomerMessageInput): Body {
  const text = input.text ?? '';
  const label = escapeWithin(text, 200);
  const line = (mrkdwn: string, summary = mrkdwn): Body => ({ sections: [mrkdwn], summary });
  switch (input.type) {
    case 'text':
      return quoted(text, undefined, '');
    case 'button':
      return line(`:radio_button: Tapped the quick reply *${label || '(no text)'}*`);
    case 'interactive':
      return line(`:ballot_box_with_check: Chose *${label || '(no title)'}*`);
    case 'reaction':
      return line(label ? `Reacted ${label} to a message` : 'Took back a reaction');
    case 'contacts':
      return line(`:bust_in_silhouette: Shared a contact${label ? `: *${label}*` : ''}`);
    case 'location':
      return line(locationLine(input.location), ':round_pushpin: Shared a location');
    case 'unsupported':
      return line(
        '_Sent a message WhatsApp does not pass on to businesses (a type it does not support). Ask the customer to send it as text or a photo._',
        'Sent a message WhatsApp does not pass on',
      );
  }
  const media = MEDIA_WORDS[input.type];
  if (media) return quoted(text, mediaLine(media, input.media), `:paperclip: ${media}`);
  return quoted(
    text,
    `_A kind of message this app does not know (\`${codeWithin(input.type, 40)}\`)._`,
    'Sent a message of a kind this app does not know',
  );
}

/** The text quoted (cut to fit), under an optional line about what came with it (a caption's media). */
function quoted(text: string, above: string | undefined, summary: string): Body {
  const fitted = fitQuoted(text);
  const sections = [above, fitted.mrkdwn].filter((part): part is string => Boolean(part));
  const words = escapeWithin(text, FALLBACK_MAX);
  const body: Body = { sections, summary: summary && words ? `${summary}: ${words}` : summary || words };
  if (fitted.cut) body.cut = { shown: fitted.shown, total: text.length };
  return body;
}

/** `:paperclip: *Photo* (image/jpeg · box.jpg): <https://…|open it>`; the bytes stay at Kaleyra. */
function mediaLine(word: string, media: IncomingMedia | undefined): string {
  const about = [media?.mimeType, media?.filename]
    .filter((part): part is string => Boolean(part))
    .map((part) => escapeWithin(part, 100));
  const details = about.length > 0 ? ` (${about.join(' · ')})` : '';
  const link = media?.url ? httpsLink(media.url) : undefined;
  const open =
    link && link.length <= LINK_MAX
      ? `: <${link}|open it>`
      : ': Kaleyra sent no https link to it that Slack can show.';
  return `:paperclip: *${word}*${details}${open}`;
}

/** `:round_pushpin: <map link|name>` and the address, when the coordinates are a place on Earth. */
function locationLine(location: IncomingLocation | undefined): string {
  if (!location || !onEarth(location)) return ':round_pushpin: Shared a location, without coordinates.';
  const at = `${location.latitude},${location.longitude}`;
  const map = httpsLink(`https://www.google.com/maps/search/?api=1&query=${at}`) as string;
  const name = location.name ? escapeWithin(location.name, 200) : at;
  const address = location.address ? `\n${escapeWithin(location.address, 300)}` : '';
  return `:round_pushpin: Shared a location: <${map}|${name}>${address}`;
}

function onEarth(location: IncomingLocation): boolean {
  const { latitude, longitude } = location;
  return (
    Number.isFinite(latitude) &&
    Number.isFinite(longitude) &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180
  );
}

/**
 * The longest start of `text` (at most CUSTOMER_TEXT_MAX characters) whose escaped, quoted form fits in
 * QUOTED_TEXT_MAX: escaping can make a text up to five times longer, so it is measured as it will be shown.
 */
export function fitQuoted(text: string): { mrkdwn: string; cut: boolean; shown: number } {
  let length = 2; // the first line's "> "
  let end = 0;
  for (const char of text) {
    const cost = ESCAPED_COST[char] ?? char.length;
    if (end + char.length > CUSTOMER_TEXT_MAX || length + cost > QUOTED_TEXT_MAX) break;
    length += cost;
    end += char.length;
  }
  const shown = text.slice(0, end);
  return { mrkdwn: shown ? quote(escapeMrkdwn(shown)) : '', cut: end < text.length, shown: end };
}

// What each character may become: escaped (&amp; &lt; &gt;), a word joiner after `@`, a new quoted line.
const ESCAPED_COST: Record<string, number> = { '&': 5, '<': 4, '>': 4, '@': 2, '\n': 3 };

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cutMrkdwn(text, SLACK_LIMITS.contextText) }] };
}

function replyButton(incomingId: string): ActionsBlock {
  return buildActions([{ actionId: REPLY_ACTION, text: 'Reply', value: incomingId, style: 'primary' }]);
}
