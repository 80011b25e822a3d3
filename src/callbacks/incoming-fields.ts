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
} from '../domain/incoming-message.ts';

/**
 * One field of a customer's message or an account event, as a POST body or a GET query carries it:
 * each reader takes whatever came (maybe nothing, maybe hostile) and gives back a bounded, cleaned
 * value, or undefined when it is not one.
 */

// Longer ids or words are not WhatsApp's; cut so a hostile value cannot bloat a row.
const ID_MAX = 255;
export const WORD_MAX = 40;
const MEDIA_URL_MAX = 2_000;

/** A location as a POST body or a GET query carries it (numbers already read as strings). */
export type RawLocation =
  | {
      latitude?: string | undefined;
      longitude?: string | undefined;
      name?: string | undefined;
      address?: string | undefined;
    }
  | undefined;

export function withText(raw: string | undefined): Pick<IncomingMessage, 'text'> {
  if (raw === undefined) return {};
  const { text } = cleanCustomerText(raw, STORED_TEXT_MAX);
  return text ? { text } : {};
}

export function locationOf(location: RawLocation): Pick<IncomingMessage, 'location' | 'text'> {
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

export function typeOf(raw: string | undefined): IncomingType | 'other' {
  const type = raw?.trim().toLowerCase() ?? 'text';
  return (INCOMING_TYPES as readonly string[]).includes(type) ? (type as IncomingType) : 'other';
}

/** `919876543210` (WhatsApp's spelling, no `+`) → `+919876543210`; undefined unless it is 6-15 digits. */
export function customerNumber(raw: string | undefined): string | undefined {
  const found = digits(raw);
  return found ? `+${found}` : undefined;
}

export function digits(raw: string | undefined): string | undefined {
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
export function word(raw: string | undefined): string | undefined {
  const trimmed = raw?.trim().toUpperCase();
  return trimmed && /^[A-Z0-9_]{1,40}$/.test(trimmed) ? trimmed : undefined;
}

export function label(raw: string | undefined, max = CUSTOMER_LABEL_MAX): string | undefined {
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
