/**
 * What WhatsApp said became of a sent message, from Kaleyra's status callbacks. A message's state only
 * moves up this order: read > delivered > failed > sent > not-sent. So a repeated or late callback
 * never moves it back, a `failed` after `delivered` or `read` changes nothing (the phone got it), and a
 * `delivered` or `read` after a `failed` wins.
 */
export const DELIVERY_STATES = ['not_sent', 'sent', 'failed', 'delivered', 'read'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Higher wins. Stored beside the state so one SQL comparison applies the precedence. */
export const DELIVERY_RANK: Readonly<Record<DeliveryState, number>> = {
  not_sent: 1,
  sent: 2,
  failed: 3,
  delivered: 4,
  read: 5,
};

const WORDS: Readonly<Record<string, DeliveryState>> = {
  'not-sent': 'not_sent',
  not_sent: 'not_sent',
  notsent: 'not_sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
};

/** Kaleyra's status word as a state (`not-sent` → `not_sent`); undefined for a word we do not know. */
export function readDeliveryStatus(word: string): DeliveryState | undefined {
  const key = word.trim().toLowerCase();
  // Own keys only: `constructor` or `__proto__` from a callback is an unknown word, not a state.
  return Object.hasOwn(WORDS, key) ? WORDS[key] : undefined;
}

/** The customer did not get it. */
export function isDeliveryFailure(state: DeliveryState | null | undefined): state is 'failed' | 'not_sent' {
  return state === 'failed' || state === 'not_sent';
}

/** One status callback, as the edge read it: which message, what happened, when. */
export type DeliveryReport = {
  /** Every message id the callback carried (Kaleyra's and WhatsApp's); any one may be the one we know. */
  messageIds: string[];
  /**
   * `statuses[].id`, WhatsApp's id of the message (a wamid): recorded with the attempt, since a
   * customer who replies to the message names it (`context.id`).
   */
  wamid?: string;
  /** `extra_info.ref2`: the journal attempt id our send put there, for when no id is known. */
  ref2?: string;
  /** The status word exactly as received (trimmed), known or not. */
  status: string;
  /** WhatsApp's time for it, when the callback gave one. */
  at?: Date;
  error?: DeliveryError;
};

/** WhatsApp's (Meta's) error on a `failed` status, or Kaleyra's on `not-sent`. */
export type DeliveryError = { code?: string; title?: string };
