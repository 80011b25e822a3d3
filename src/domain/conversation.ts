import { describeTimeLeft } from './session-text.ts';

/**
 * A conversation: what an agent takes and resolves. It is keyed by the workspace, the customer's number
 * (as its keyed hash) and the order the customer's message was matched to (its reference), or no order
 * (NO_ORDER) when the message matched none. So an order's thread is the conversation of the customer
 * it was sent to: two orders of one customer are two matters that two agents, in two channels, may each
 * take and resolve; the updates of one order (several messages, maybe several threads) are one matter;
 * and one order sent to two numbers is two chats, since WhatsApp, its 24-hour window and consent are
 * per number. Ownership survives resolution: the customer's next message reopens it for its owner.
 */
export const NO_ORDER = '';

/** Who has a conversation, and whether it is done. Every user is a Slack user id. */
export type ConversationState = {
  owner: string | undefined;
  /** When the current owner took it. */
  ownedSince: Date | undefined;
  /** Who had it before the current owner took it over. */
  previousOwner: string | undefined;
  resolved: boolean;
  /** The latest resolution (kept once the conversation reopens). */
  resolvedBy: string | undefined;
  resolvedAt: Date | undefined;
  /** When the customer's message last reopened it. */
  reopenedAt: Date | undefined;
};

/**
 * A Take it click. `took`: nobody had it; `took_over`: it was taken from the owner the clicker saw;
 * `already_yours`: nothing changed; `owned_by_other`: someone other than the owner the clicker saw has
 * it (another agent took it first, or took it over meanwhile): nothing changed, the clicker is told.
 */
export type TakeOutcome =
  | { outcome: 'took'; owner: string; since: Date }
  | { outcome: 'took_over'; owner: string; from: string; since: Date }
  | { outcome: 'already_yours'; owner: string; since: Date }
  | { outcome: 'owned_by_other'; owner: string; since: Date };

/** A Resolve click: resolved now, or resolved already (by whom, when). */
export type ResolveOutcome =
  | { outcome: 'resolved'; by: string; at: Date; owner: string | undefined }
  | { outcome: 'already_resolved'; by: string; at: Date };

/** A customer's message that reopened a resolved conversation, and whom the thread tells. */
export type Reopening = {
  owner: string | undefined;
  resolvedBy: string;
  resolvedAt: Date;
  /** The owner, else whoever resolved it. */
  notify: string;
};

/** Whom a customer's message mentions: the conversation's owner, else (as before owners) the agent who sent the order, on its first reply. */
export type Mention = { userId: string; as: 'owner' | 'sender' };

/** A conversation whose customer waits for an answer, for the App Home. */
export type WaitingConversation = {
  /** The customer's newest message in it (its thread link). */
  incomingId: string;
  /** Masked only: the App Home is everyone's, and the thread may be in a channel the reader is not in. */
  customerMasked: string;
  referenceId: string | undefined;
  /** When the customer wrote the oldest message nobody has answered. */
  waitingSince: Date;
  /** How many of their messages nobody has answered. */
  messages: number;
  permalink: string | undefined;
  owner: string | undefined;
  ownedSince: Date | undefined;
};

/** The longest waits first, and how many conversations wait in all. */
export type WaitingList = { total: number; conversations: WaitingConversation[] };

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long someone has waited: `4 min`, `2 h 15 min`, `1 day 3 h`, `12 days`. */
export function describeWaited(ms: number): string {
  if (ms < DAY_MS) return describeTimeLeft(Math.max(0, ms));
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / (60 * 60 * 1000));
  const dayWord = `${days} ${days === 1 ? 'day' : 'days'}`;
  return hours === 0 || days >= 7 ? dayWord : `${dayWord} ${hours} h`;
}
