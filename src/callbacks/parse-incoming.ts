import * as v from 'valibot';
import { cleanCustomerText, STORED_TEXT_MAX } from '../domain/customer-text.ts';
import {
  type IncomingMessage,
  MEDIA_TYPES,
  type NumberQualityEvent,
  type TemplateStatusEvent,
} from '../domain/incoming-message.ts';
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
 * Meta's `{ field, value }` is accepted inside `meta_object` (as Kaleyra sends messages), bare at the
 * top level, and inside Meta's own `entry[].changes[]` envelope.
 */

const MESSAGES_MAX = 50;

const Text = v.fallback(
  v.optional(v.union([v.string(), v.pipe(v.number(), v.transform(String))])),
  undefined,
);
const Loose = <T extends v.ObjectEntries>(entries: T) =>
  v.fallback(v.optional(v.looseObject(entries)), undefined);
const List = <T extends v.GenericSchema>(item: T) => v.fallback(v.optional(v.array(item)), undefined);

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

const ChangeSchema = v.looseObject({
  field: Text,
  value: v.fallback(v.optional(ValueSchema), undefined),
  time: Text,
  timestamp: Text,
});
/** `time`: when the event happened, as its envelope says (Meta's `entry[].time`, Unix seconds). */
type Change = { field: string | undefined; value: RawValue; time: string | undefined };
const EntrySchema = v.looseObject({ time: Text, changes: List(v.unknown()) });

const ExtraInfoSchema = Loose({ media_url: Text, reply_to: Text });

export type IncomingRead = {
  messages: IncomingMessage[];
  templateEvents: TemplateStatusEvent[];
  qualityEvents: NumberQualityEvent[];
  /** Entries that looked like a message but could not be read (no id, no sender): logged, not kept. */
  skipped: number;
};

/** The customers' messages and account events of a POST body (already parsed as a JSON object). */
export function readIncomingBody(body: Record<string, unknown>, now: Date = new Date()): IncomingRead {
  const read: IncomingRead = { messages: [], templateEvents: [], qualityEvents: [], skipped: 0 };
  const extra = v.parse(ExtraInfoSchema, body.extra_info) ?? {};
  for (const change of changesOf(body)) {
    const { value } = change;
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

/**
 * Every `{ field, value }` the body carries, in any of the three envelopes, with the time the envelope
 * gives it: Meta's `entry[].time`; in Kaleyra's (undocumented) envelopes a `time` or `timestamp` beside
 * the change, in its value, or at the top of the body.
 */
function changesOf(body: Record<string, unknown>): Change[] {
  const top = v.safeParse(ChangeSchema, body);
  const bodyTime = top.success ? (top.output.time ?? top.output.timestamp) : undefined;
  const candidates: Array<{ change: unknown; time: string | undefined }> = [
    { change: body.meta_object, time: bodyTime },
    { change: body, time: bodyTime },
  ];
  const entries = Array.isArray(body.entry) ? body.entry.slice(0, 10) : [];
  for (const raw of entries) {
    const entry = v.safeParse(EntrySchema, raw);
    if (!entry.success) continue;
    const time = entry.output.time;
    for (const change of (entry.output.changes ?? []).slice(0, 10)) candidates.push({ change, time });
  }
  const found: Change[] = [];
  for (const candidate of candidates) {
    const parsed = v.safeParse(ChangeSchema, candidate.change);
    if (parsed.success && parsed.output.value) {
      const { field, value } = parsed.output;
      const time =
        parsed.output.time ?? parsed.output.timestamp ?? value.time ?? value.timestamp ?? candidate.time;
      found.push({ field, value, time });
    }
  }
  return found;
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
  for (const raw of (value.messages ?? []).slice(0, MESSAGES_MAX)) {
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
): Pick<IncomingMessage, 'text' | 'media' | 'location'> {
  const type = typeOf(message.type);
  if (type === 'text') return withText(message.text?.body);
  if (type === 'button') return withText(message.button?.text ?? message.button?.payload);
  if (type === 'interactive') {
    const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
    return withText(reply?.title);
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
