/**
 * What a customer sent to the business number, as the callback receiver read it (the shared document
 * kaleyra-whatsapp-incoming-and-events.md): one message, whatever its WhatsApp type. Every text here
 * came from outside: it is cleaned and bounded when read (customer-text.ts), and escaped again by each
 * surface that shows it.
 */
export const INCOMING_TYPES = [
  'text',
  'button',
  'interactive',
  'image',
  'document',
  'audio',
  'video',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'unsupported',
] as const;
export type IncomingType = (typeof INCOMING_TYPES)[number];

/** Media types: the bytes stay at Kaleyra; only the link to them is kept. */
export const MEDIA_TYPES: ReadonlySet<IncomingType> = new Set([
  'image',
  'document',
  'audio',
  'video',
  'sticker',
]);

export type IncomingMedia = {
  /** `extra_info.media_url` (or the GET variable), https only; absent when none was given or it was not https. */
  url?: string;
  mimeType?: string;
  filename?: string;
};

export type IncomingLocation = { latitude: number; longitude: number; name?: string; address?: string };

export type IncomingMessage = {
  /** WhatsApp's id of this message (`messages[].id`): a retried callback carries the same one. */
  messageId: string;
  /**
   * The customer: WhatsApp's id with `+` (`from` / `wa_id` carry none). Not always the number agents
   * type: the incoming service reads it as that one (whatsapp-number.ts) before anything keys on it.
   */
  from: string;
  /** The customer's WhatsApp profile name, when given. */
  name?: string;
  /** `other` when the word is not one WhatsApp documents (kept, shown as such). */
  type: IncomingType | 'other';
  /**
   * What a person reads first: the text, the quick-reply's text, the list/button title, a media
   * caption, a location's name, a reaction's emoji, a contact's name.
   */
  text?: string;
  /**
   * What is read for a consent keyword (STOP, START…): a text's body; a quick reply's text and payload;
   * a reply button's title and id. Nothing else is (a contact card's or a location's name, a caption, a
   * list choice): only what the customer typed or tapped as an answer.
   */
  keywordTexts?: readonly string[];
  media?: IncomingMedia;
  location?: IncomingLocation;
  /** `context.id`: the wamid of our message the customer replied to, when they used WhatsApp's reply. */
  contextId?: string;
  /** `extra_info.reply_to`: Kaleyra's id of the message replied to. */
  replyTo?: string;
  /** When the customer sent it (WhatsApp's `timestamp`; message-time.ts says how far ahead it is believed). */
  sentAt: Date;
  /** The business number it was sent to (digits as given: `display_phone_number` or `wanumber`). */
  businessNumber?: string;
};

/** Meta's `message_template_status_update`, as far as the app uses it. */
export type TemplateStatusEvent = {
  /** APPROVED, REJECTED, PAUSED, DISABLED, REINSTATED… (upper-cased as received). */
  event: string;
  templateName: string;
  language?: string;
  templateId?: string;
  reason?: string;
  /** When Meta says it happened (`entry[].time`, or the time Kaleyra's envelope carries); else its receipt. */
  at?: Date;
};

/** Meta's `phone_number_quality_update`. */
export type NumberQualityEvent = {
  /** FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE (upper-cased as received). */
  event: string;
  /** `display_phone_number`, digits as given, when given. */
  businessNumber?: string;
  /** `current_limit`, e.g. TIER_1K. */
  currentLimit?: string;
  /** When Meta says it happened (as for template events). */
  at?: Date;
};

/** Template events that stop sends with that template, and those that lift the stop. */
export const TEMPLATE_BLOCKING_EVENTS: ReadonlySet<string> = new Set([
  'PAUSED',
  'DISABLED',
  'REJECTED',
  'PENDING_DELETION',
  'DELETED',
]);
export const TEMPLATE_LIFTING_EVENTS: ReadonlySet<string> = new Set(['REINSTATED', 'APPROVED']);

/** Number-quality events that pause bulk sends, and those that lift the pause. */
export const QUALITY_FLAGGING_EVENTS: ReadonlySet<string> = new Set(['FLAGGED', 'DOWNGRADE']);
export const QUALITY_LIFTING_EVENTS: ReadonlySet<string> = new Set(['UNFLAGGED', 'UPGRADE']);

/** Everything one callback request carried, each kind handed to its own service. */
export type CallbackEvents<Report> = {
  reports: Report[];
  messages: IncomingMessage[];
  templateEvents: TemplateStatusEvent[];
  qualityEvents: NumberQualityEvent[];
};
