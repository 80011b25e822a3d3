import * as v from 'valibot';
import { cleanCustomerText, STORED_TEXT_MAX } from '../domain/customer-text.ts';
import {
  type IncomingMessage,
  MEDIA_TYPES,
  type NumberQualityEvent,
  type TemplateStatusEvent,
} from '../domain/incoming-message.ts';
import { type Change, changesOf, List, Loose, Text } from './envelopes.ts';
import {
  customerNumber,
  digits,
  id,
  label,
  locationOf,
  mediaOf,
  readTime,
  typeOf,
  WORD_MAX,
  withText,
  word,
} from './incoming-fields.ts';

/**
 * Customers' messages and account events in a callback body (kaleyra-whatsapp-incoming-and-events.md),
 * read defensively: Kaleyra documents little, so every field may be missing or of another type, and a
 * field that is neither what we expect nor absent reads as absent rather than failing the whole body.
 * The envelopes (Kaleyra's `meta_object`, Meta's own, Kaleyra's older top-level shape) are
 * envelopes.ts's; how many messages one body may carry is read-callback.ts's.
 */

const MediaSchema = Loose({ mime_type: Text, id: Text, caption: Text, filename: Text });

const MessageSchema = v.looseObject({
  id: Text,
  from: Text,
  timestamp: Text,
  type: Text,
  context: Loose({ id: Text, from: Text }),
  text: Loose({ body: Text }),
  button: Loose({ text: Text, payload: Text }),
  interactive: Loose({
    type: Text,
    button_reply: Loose({ id: Text, title: Text }),
    list_reply: Loose({ id: Text, title: Text, description: Text }),
  }),
  image: MediaSchema,
  document: MediaSchema,
  audio: MediaSchema,
  video: MediaSchema,
  sticker: MediaSchema,
  location: Loose({ latitude: Text, longitude: Text, name: Text, address: Text }),
  reaction: Loose({ emoji: Text, message_id: Text }),
  contacts: List(v.looseObject({ name: Loose({ formatted_name: Text }) })),
});
type RawMessage = v.InferOutput<typeof MessageSchema>;

const ValueSchema = v.looseObject({
  messages: List(v.unknown()),
  contacts: List(v.looseObject({ profile: Loose({ name: Text }), wa_id: Text })),
  metadata: Loose({ display_phone_number: Text }),
  // Account events (template status, number quality).
  event: Text,
  message_template_id: Text,
  message_template_name: Text,
  message_template_language: Text,
  reason: Text,
  display_phone_number: Text,
  current_limit: Text,
  time: Text,
  timestamp: Text,
});
type RawValue = v.InferOutput<typeof ValueSchema>;

const ExtraInfoSchema = Loose({ media_url: Text, reply_to: Text });

export type IncomingRead = {
  messages: IncomingMessage[];
  templateEvents: TemplateStatusEvent[];
  qualityEvents: NumberQualityEvent[];
  /** Entries that looked like a message but could not be read (no id, no sender): logged, not kept. */
  skipped: number;
};

/** The customers' messages and account events of a POST body (already parsed as a JSON object). */
export function readIncomingBody(
  body: Record<string, unknown>,
  now: Date = new Date(),
  changes: readonly Change[] = changesOf(body),
): IncomingRead {
  const read: IncomingRead = { messages: [], templateEvents: [], qualityEvents: [], skipped: 0 };
  const extra = v.parse(ExtraInfoSchema, body.extra_info) ?? {};
  for (const change of changes) {
    const value = v.parse(ValueSchema, change.value);
    const field = change.field ?? (value.messages ? 'messages' : undefined);
    if (field === 'messages') readMessages(value, extra, now, read);
    else if (field === 'message_template_status_update') {
      const event = templateEventOf(value);
      if (event) read.templateEvents.push(withTime(event, change.time));
    } else if (field === 'phone_number_quality_update') {
      const event = word(value.event);
      if (event) read.qualityEvents.push(withTime(qualityEventOf(event, value), change.time));
    }
  }
  return read;
}

/** The event with the time its envelope gave, when that reads as a time. */
function withTime<T extends { at?: Date }>(event: T, time: string | undefined): T {
  const at = readTime(time);
  return at ? { ...event, at } : event;
}

function readMessages(
  value: RawValue,
  extra: NonNullable<v.InferOutput<typeof ExtraInfoSchema>>,
  now: Date,
  read: IncomingRead,
): void {
  const contacts = value.contacts ?? [];
  const businessNumber = digits(value.metadata?.display_phone_number);
  for (const raw of value.messages ?? []) {
    const parsed = v.safeParse(MessageSchema, raw);
    if (!parsed.success) {
      read.skipped += 1;
      continue;
    }
    const message = parsed.output;
    const from = customerNumber(message.from) ?? customerNumber(contacts[0]?.wa_id);
    const messageId = id(message.id);
    if (!from || !messageId) {
      read.skipped += 1;
      continue;
    }
    const contact = contacts.find((c) => customerNumber(c.wa_id) === from) ?? contacts[0];
    const out: IncomingMessage = {
      messageId,
      from,
      type: typeOf(message.type),
      sentAt: readTime(message.timestamp) ?? now,
      ...content(message, extra.media_url),
    };
    const name = label(contact?.profile?.name);
    if (name) out.name = name;
    const contextId = id(message.context?.id);
    if (contextId) out.contextId = contextId;
    const replyTo = id(extra.reply_to);
    if (replyTo) out.replyTo = replyTo;
    if (businessNumber) out.businessNumber = businessNumber;
    read.messages.push(out);
  }
}

/** What a person reads of each type: its text, and the media or location it carries. */
function content(
  message: RawMessage,
  mediaUrl: string | undefined,
): Pick<IncomingMessage, 'text' | 'media' | 'location' | 'keywordTexts'> {
  const type = typeOf(message.type);
  if (type === 'text') return withKeywords(withText(message.text?.body));
  if (type === 'button') {
    const { text, payload } = message.button ?? {};
    return withKeywords(withText(text ?? payload), id(payload));
  }
  if (type === 'interactive') {
    const button = message.interactive?.button_reply;
    if (button) return withKeywords(withText(button.title), id(button.id));
    return withText(message.interactive?.list_reply?.title);
  }
  if (type === 'reaction') return withText(message.reaction?.emoji);
  if (type === 'contacts') return withText(message.contacts?.[0]?.name?.formatted_name);
  if (type === 'location') return locationOf(message.location);
  if (type !== 'other' && MEDIA_TYPES.has(type)) {
    const media = message[type as 'image' | 'document' | 'audio' | 'video' | 'sticker'];
    const out: Pick<IncomingMessage, 'text' | 'media'> = {
      media: mediaOf(mediaUrl, media?.mime_type, media?.filename),
    };
    const caption =
      media?.caption === undefined ? undefined : cleanCustomerText(media.caption, STORED_TEXT_MAX).text;
    if (caption) out.text = caption;
    return out;
  }
  return withText(message.text?.body);
}

/** A text, quick reply or reply button: its text, then its payload (or id), are read for consent keywords. */
function withKeywords(
  read: Pick<IncomingMessage, 'text'>,
  payload?: string,
): Pick<IncomingMessage, 'text' | 'keywordTexts'> {
  const keywordTexts = [read.text, payload].filter((text): text is string => text !== undefined);
  return keywordTexts.length > 0 ? { ...read, keywordTexts } : read;
}

function templateEventOf(value: RawValue): TemplateStatusEvent | undefined {
  const event = word(value.event);
  const templateName = label(value.message_template_name, 512);
  if (!event || !templateName) return undefined;
  const out: TemplateStatusEvent = { event, templateName };
  const language = label(value.message_template_language, WORD_MAX);
  if (language) out.language = language;
  const templateId = id(value.message_template_id);
  if (templateId) out.templateId = templateId;
  const reason = label(value.reason, 500);
  if (reason && reason.toUpperCase() !== 'NONE') out.reason = reason;
  return out;
}

function qualityEventOf(event: string, value: RawValue): NumberQualityEvent {
  const out: NumberQualityEvent = { event };
  const businessNumber = digits(value.display_phone_number ?? value.metadata?.display_phone_number);
  if (businessNumber) out.businessNumber = businessNumber;
  const limit = word(value.current_limit);
  if (limit) out.currentLimit = limit;
  return out;
}
