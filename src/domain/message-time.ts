/**
 * When a customer's message counts as written. WhatsApp stamps each message with the sender's time
 * (`timestamp`); clocks differ, so a stamp a little after its receipt is believed, but one further
 * ahead (a phone's clock years off, or a forged stamp) is not: such a message is kept at its receipt
 * time. Nothing may hold the 24-hour reply window open past 24 hours after the message reached us.
 */

/** A message stamped more than this after its receipt is kept at its receipt time. */
export const STAMP_AHEAD_MAX_MS = 5 * 60 * 1000;

/** The time a message is kept at: its stamp, unless that is more than STAMP_AHEAD_MAX_MS after `receivedAt`. */
export function keptSentAt(stamped: Date, receivedAt: Date): Date {
  return stamped.getTime() - receivedAt.getTime() > STAMP_AHEAD_MAX_MS ? receivedAt : stamped;
}

/** Where the reply window counts from: the earlier of the message's time and its receipt. */
export function windowStartOf(sentAt: Date, receivedAt: Date): Date {
  return sentAt.getTime() <= receivedAt.getTime() ? sentAt : receivedAt;
}

/**
 * A consent change's time at WhatsApp's resolution (whole seconds): an admin's change and a customer's
 * word within the same second tie, and a tie goes to the one that arrives last.
 */
export function wholeSeconds(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}
