import { createHash } from 'node:crypto';
import { type IncomingMessage, type IncomingType, MEDIA_TYPES } from '../domain/incoming-message.ts';
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
} from './incoming-fields.ts';

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
