/**
 * A keyed hash (HMAC-SHA-256 under the service's key), separated by purpose: equal texts of one purpose
 * match without the text being stored readable, e.g. a callback secret or a customer number.
 */
export type KeyedHash = (purpose: string, text: string) => string;

/** The purposes in use; a new one keeps its hashes apart from every other's. */
export const HASH_PURPOSES = {
  callbackSecret: 'callback-secret',
  duplicateGuard: 'duplicate-guard',
  /** An agent's session text: the same words to the same customer within the window go once. */
  replyGuard: 'reply-guard',
  /** An agent's file: the same file with the same caption to the same customer within the window goes once. */
  mediaGuard: 'media-guard',
  customerNumber: 'customer-number',
} as const;
