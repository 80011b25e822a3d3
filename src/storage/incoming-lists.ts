import type { Database } from './database.ts';

/** Newest customers' messages looked at for the "waiting for an answer" list. */
export const WAITING_SCAN = 500;

/** A customer whose newest messages nobody has answered yet, and where to answer them. */
export type WaitingReply = {
  id: string;
  customerMasked: string;
  /** The order it belongs to, when it was matched to one. */
  referenceId: string | undefined;
  sentAt: Date;
  /** How many of the customer's messages came since the last answer (within the newest looked at). */
  waiting: number;
  /** The message in Slack (its thread), when the link could be had. */
  permalink: string | undefined;
};

/** A customer's message Slack could not take, kept for the admins. */
export type KeptReply = {
  id: string;
  customerMasked: string;
  customerName: string | undefined;
  type: string;
  text: string | undefined;
  sentAt: Date;
  /** Why it is not in Slack. */
  note: string | undefined;
};

export type KeptReplies = { count: number; newest: KeptReply[] };

const optional = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** What the App Home lists of customers' messages: those waiting for an answer, and those kept. */
export function createIncomingLists(db: Database) {
  return {
    /**
     * Customers of this workspace with messages shown in Slack and no agent's answer since (a session
     * text or file to the same customer, sent or possibly sent, made after the message arrived): the newest
     * message of each, newest first. Consent keywords (STOP…) ask for no answer and are left out.
     */
    async waiting(workspaceId: string, limit: number): Promise<WaitingReply[]> {
      const rows = await db.query<Record<string, unknown>>(
        `WITH recent AS (
           SELECT id, customer_hash, customer_masked, sent_at, received_at, attempt_id, slack_permalink
             FROM incoming_messages
            WHERE workspace_id = $1 AND keyword IS NULL AND post_state IN ('thread', 'replies_channel')
            ORDER BY received_at DESC LIMIT $3
         ), unanswered AS (
           SELECT r.* FROM recent r WHERE NOT EXISTS (
             SELECT 1 FROM send_journal j
              WHERE j.workspace_id = $1 AND j.customer_hash = r.customer_hash AND j.kind <> 'order_status'
                AND j.outcome IN ('in_flight', 'sent', 'unknown') AND j.created_at > r.received_at)
         ), newest AS (
           SELECT DISTINCT ON (customer_hash) u.*, count(*) OVER (PARTITION BY customer_hash) AS waiting
             FROM unanswered u ORDER BY customer_hash, received_at DESC
         )
         SELECT n.id, n.customer_masked, n.sent_at, n.waiting, n.slack_permalink, j.reference_id
           FROM newest n LEFT JOIN send_journal j ON j.id = n.attempt_id AND j.workspace_id = $1
          ORDER BY n.received_at DESC LIMIT $2`,
        [workspaceId, limit, WAITING_SCAN],
      );
      return rows.map((row) => ({
        id: String(row.id),
        customerMasked: String(row.customer_masked),
        referenceId: optional(row.reference_id),
        sentAt: new Date(row.sent_at as Date | string),
        waiting: Number(row.waiting),
        permalink: optional(row.slack_permalink),
      }));
    },

    /** This workspace's kept messages: how many, and the newest `limit`. */
    async kept(workspaceId: string, limit: number): Promise<KeptReplies> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT id, customer_masked, customer_name, type, text, sent_at, post_note, count(*) OVER () AS total
           FROM incoming_messages WHERE workspace_id = $1 AND post_state = 'kept'
          ORDER BY received_at DESC LIMIT $2`,
        [workspaceId, limit],
      );
      return {
        count: Number(rows[0]?.total ?? 0),
        newest: rows.map((row) => ({
          id: String(row.id),
          customerMasked: String(row.customer_masked),
          customerName: optional(row.customer_name),
          type: String(row.type),
          text: optional(row.text),
          sentAt: new Date(row.sent_at as Date | string),
          note: optional(row.post_note),
        })),
      };
    },
  };
}

export type IncomingLists = ReturnType<typeof createIncomingLists>;
