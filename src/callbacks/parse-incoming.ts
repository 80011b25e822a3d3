import { createHash } from 'node:crypto';
import * as v from 'valibot';
import {
  CUSTOMER_LABEL_MAX,
  cleanCustomerLabel,
  cleanCustomerText,
  STORED_TEXT_MAX,
} from '../domain/customer-text.ts';
import {
  INCOMING_TYPES,
  type IncomingMedia,
  type IncomingMessage,
  type IncomingType,
  MEDIA_TYPES,
  type NumberQualityEvent,
  type TemplateStatusEvent,
} from '../domain/incoming-message.ts';

/**
 * Customers' messages and account events in a callback body (kaleyra-whatsapp-incoming-and-events.md),
 * read defensively: Kaleyra documents little, so every field may be missing or of another type, and a
 * field that is neither what we expect nor absent reads as absent rather than failing the whole body.
 * Meta's `{ field, value }` is accepted inside `meta_object` (as Kaleyra sends messages), bare at the
 * top level, and inside Meta's own `entry[].changes[]` envelope.
 */

// Longer ids or words are not WhatsApp's; cut so a hostile value cannot bloat a row.
const ID_MAX = 255;
const WORD_MAX = 40;
const MEDIA_URL_MAX = 2_000;
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
});
type RawValue = v.InferOutput<typeof ValueSchema>;

const ChangeSchema = v.looseObject({ field: Text, value: v.fallback(v.optional(ValueSchema), undefined) });
type Change = { field: string | undefined; value: RawValue };

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
      if (event) read.templateEvents.push(event);
    } else if (field === 'phone_number_quality_update') {
      const event = word(value.event);
      if (event) read.qualityEvents.push(qualityEventOf(event, value));
    }
  }
  return read;
}

/** Every `{ field, value }` the body carries, in any of the three envelopes. */
function changesOf(body: Record<string, unknown>): Change[] {
  const candidates: unknown[] = [body.meta_object, body];
  const entries = Array.isArray(body.entry) ? body.entry.slice(0, 10) : [];
  for (const entry of entries) {
    const changes = (entry as { changes?: unknown } | null)?.changes;
    if (Array.isArray(changes)) candidates.push(...changes.slice(0, 10));
  }
  const found: Change[] = [];
  for (const candidate of candidates) {
    const parsed = v.safeParse(ChangeSchema, candidate);
    if (parsed.success && parsed.output.value) {
      found.push({ field: parsed.output.field, value: parsed.output.value });
    }
  }
  return found;
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

function withText(raw: string | undefined): Pick<IncomingMessage, 'text'> {
  if (raw === undefined) return {};
  const { text } = cleanCustomerText(raw, STORED_TEXT_MAX);
  return text ? { text } : {};
}

function locationOf(location: RawMessage['location']): Pick<IncomingMessage, 'location' | 'text'> {
  const latitude = Number(location?.latitude);
  const longitude = Number(location?.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return {};
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return {};
  const out: IncomingMessage['location'] = { latitude, longitude };
  const name = label(location?.name);
  if (name) out.name = name;
  const address = label(location?.address);
  if (address) out.address = address;
  return { location: out };
}

/** The media's link only when it is https (never fetched, only shown); its type and file name. */
export function mediaOf(
  url: string | undefined,
  mimeType: string | undefined,
  filename: string | undefined,
): IncomingMedia {
  const media: IncomingMedia = {};
  const link = url?.trim();
  if (link && link.length <= MEDIA_URL_MAX && URL.canParse(link) && new URL(link).protocol === 'https:') {
    media.url = new URL(link).toString();
  }
  const mime = label(mimeType, WORD_MAX * 2);
  if (mime) media.mimeType = mime;
  const name = label(filename);
  if (name) media.filename = name;
  return media;
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

export function typeOf(raw: string | undefined): IncomingType | 'other' {
  const type = raw?.trim().toLowerCase() ?? 'text';
  return (INCOMING_TYPES as readonly string[]).includes(type) ? (type as IncomingType) : 'other';
}

/** `919876543210` (WhatsApp's spelling, no `+`) → `+919876543210`; undefined unless it is 6-15 digits. */
export function customerNumber(raw: string | undefined): string | undefined {
  const found = digits(raw);
  return found ? `+${found}` : undefined;
}

function digits(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.length > 40) return undefined;
  const only = raw.replace(/[\s+\-().]/g, '');
  return /^[1-9]\d{5,14}$/.test(only) ? only : undefined;
}

export function id(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim();
  if (!trimmed) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: an id has no control characters
  return trimmed.slice(0, ID_MAX).replace(/[\u0000-\u001f\u007f]/g, '');
}

/** An event or limit word: letters, digits and `_`, upper-cased; anything else is not one. */
function word(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim().toUpperCase();
  return trimmed && /^[A-Z0-9_]{1,40}$/.test(trimmed) ? trimmed : undefined;
}

function label(raw: string | undefined, max = CUSTOMER_LABEL_MAX): string | undefined {
  if (raw === undefined) return undefined;
  return cleanCustomerLabel(raw, max) || undefined;
}

/**
 * WhatsApp's Unix seconds (Kaleyra's GET `created_at` may also be milliseconds or ISO 8601); anything
 * else reads as "no time given".
 */
export function readTime(raw: string | undefined): Date | undefined {
  const value = raw?.trim();
  if (!value || value.length > 40) return undefined;
  if (/^\d{9,11}$/.test(value)) return new Date(Number(value) * 1000);
  if (/^\d{12,14}$/.test(value)) return new Date(Number(value));
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? new Date(millis) : undefined;
}

/**
 * A GET profile's customer message (its query variables), or undefined when the query is not one. GET
 * profiles carry no message id: a stable one is derived from what the message says, so Kaleyra's retry
 * of the same request is recognised (two identical messages in one second would count as one).
 */
export function readIncomingQuery(
  query: URLSearchParams,
  now: Date = new Date(),
): IncomingMessage | undefined {
  const from = customerNumber(query.get('from') ?? query.get('mobile') ?? undefined);
  if (!from) return undefined;
  const type = typeOf(query.get('type') ?? undefined);
  const body = query.get('body') ?? query.get('message') ?? undefined;
  const createdAt = query.get('created_at') ?? undefined;
  const mediaUrl = query.get('media_url') ?? undefined;
  const messageId = `get.${createHash('sha256')
    .update([from, createdAt ?? '', type, body ?? '', mediaUrl ?? ''].join('\n'))
    .digest('base64url')
    .slice(0, 32)}`;
  const message: IncomingMessage = { messageId, from, type, sentAt: readTime(createdAt) ?? now };
  if (MEDIA_TYPES.has(type as IncomingType)) {
    message.media = mediaOf(mediaUrl, query.get('mime_type') ?? undefined, undefined);
  }
  const location = type === 'location' ? (query.get('location') ?? '').split(',') : [];
  if (location.length === 2) {
    const read = locationOf({
      latitude: location[0],
      longitude: location[1],
      name: undefined,
      address: undefined,
    });
    if (read.location) message.location = read.location;
  }
  Object.assign(message, body === undefined ? {} : withText(body));
  const name = label(query.get('name') ?? undefined);
  if (name) message.name = name;
  const replyTo = id(query.get('reply_to') ?? undefined);
  if (replyTo) message.replyTo = replyTo;
  const businessNumber = digits(query.get('wanumber') ?? undefined);
  if (businessNumber) message.businessNumber = businessNumber;
  return message;
}
