import { createHash } from 'node:crypto';
import {
  type IncomingMessage,
  type IncomingType,
  MEDIA_TYPES,
  type NumberQualityEvent,
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
  withText,
  word,
} from './incoming-fields.ts';

/**
 * A GET profile's customer message (its query variables), or undefined when the query is not one.
 * Kaleyra's GET variables name no message id: one is taken from `id` / `message_id` when a profile
 * carries it, else derived from what the message says and when it was sent (`created_at`), so
 * Kaleyra's retry of the same request is recognised. Without `created_at` the receipt time goes into
 * it instead: two messages alike (a second STOP, a second "yes") must never read as one, even if a
 * retry of one of them is then shown twice.
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
  const messageId =
    id(query.get('message_id') ?? query.get('id') ?? undefined) ??
    `get.${createHash('sha256')
      .update(
        [from, createdAt ?? `received ${now.toISOString()}`, type, body ?? '', mediaUrl ?? ''].join('\n'),
      )
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
  // A GET profile carries one body: a text's, or a quick reply's (read for consent keywords alike).
  if (message.text && (type === 'text' || type === 'button')) message.keywordTexts = [message.text];
  const name = label(query.get('name') ?? undefined);
  if (name) message.name = name;
  const replyTo = id(query.get('reply_to') ?? undefined);
  if (replyTo) message.replyTo = replyTo;
  const businessNumber = digits(query.get('wanumber') ?? undefined);
  if (businessNumber) message.businessNumber = businessNumber;
  return message;
}

/**
 * Kaleyra's number quality webhook: a GET to the incoming-message URL with `display_phone_number`,
 * `event` and `current_limit` (page "Receive Updates about Messaging Limits using Webhooks").
 */
export function readQualityQuery(query: URLSearchParams): NumberQualityEvent | undefined {
  const event = word(query.get('event') ?? undefined);
  const businessNumber = digits(query.get('display_phone_number') ?? undefined);
  if (!event || !businessNumber) return undefined;
  const out: NumberQualityEvent = { event, businessNumber };
  const limit = word(query.get('current_limit') ?? undefined);
  if (limit) out.currentLimit = limit;
  return out;
}
