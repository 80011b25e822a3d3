import * as v from 'valibot';
import { NO_ORDER, type WaitingList } from '../domain/conversation.ts';
import { afterResolution, asksForAnswer, NO_ORDER_SQL } from './conversation-owners-store.ts';
import type { Database } from './database.ts';
import { WAITING_SCAN } from './incoming-lists.ts';
import { Timestamp } from './row-schema.ts';

// Conversations whose customer waits: among the workspace's newest messages shown in Slack, those that
// ask for an answer, came after the conversation's latest resolution, and that no agent has
// answered since (a reply or file to the same customer, sent or possibly sent, made after the message
// arrived). A resolved conversation has no such message: it leaves the list until the customer writes
// again, and then only what they wrote since counts. Longest waits first.
const WAITING = `
WITH recent AS (
  SELECT i.id, i.customer_hash, i.customer_masked, i.sent_at, i.received_at, i.slack_permalink,
         COALESCE(j.reference_id, ${NO_ORDER_SQL}) AS reference_id
    FROM incoming_messages i
    LEFT JOIN send_journal j ON j.id = i.attempt_id AND j.workspace_id = i.workspace_id
   WHERE i.workspace_id = $1 AND ${asksForAnswer('i')} AND i.post_state IN ('thread', 'replies_channel')
   ORDER BY i.received_at DESC LIMIT $3
), unanswered AS (
  SELECT r.*, c.owner, c.owned_since FROM recent r
    LEFT JOIN conversations c ON c.workspace_id = $1 AND c.customer_hash = r.customer_hash
         AND c.reference_id = r.reference_id
   WHERE ${afterResolution('r', 'c')} AND NOT EXISTS (
     SELECT 1 FROM send_journal a
      WHERE a.workspace_id = $1 AND a.customer_hash = r.customer_hash AND a.kind <> 'order_status'
        AND a.outcome IN ('in_flight', 'sent', 'unknown') AND a.created_at > r.received_at)
), conversation AS (
  SELECT DISTINCT ON (customer_hash, reference_id) u.*,
         count(*) OVER w AS messages, min(u.sent_at) OVER w AS waiting_since
    FROM unanswered u WINDOW w AS (PARTITION BY customer_hash, reference_id)
   ORDER BY customer_hash, reference_id, received_at DESC, id
)
SELECT id, customer_masked, reference_id, waiting_since, messages, slack_permalink, owner,
       owned_since, count(*) OVER () AS total
  FROM conversation ORDER BY waiting_since, id LIMIT $2`;

const WaitingRowSchema = v.object({
  id: v.string(),
  customer_masked: v.string(),
  reference_id: v.string(),
  waiting_since: Timestamp,
  messages: v.pipe(v.union([v.number(), v.string()]), v.transform(Number)),
  slack_permalink: v.nullable(v.string()),
  owner: v.nullable(v.string()),
  owned_since: v.nullable(Timestamp),
  total: v.pipe(v.union([v.number(), v.string()]), v.transform(Number)),
});

const present = (text: string | null) => (text === null || text === '' ? undefined : text);

/** The App Home's "waiting for an answer": one entry per conversation, with its owner and wait. */
export function createConversationWaiting(db: Database) {
  return {
    /** Up to `limit` conversations of this workspace whose customer waits, longest wait first, and how many wait. */
    async waiting(workspaceId: string, limit: number): Promise<WaitingList> {
      const rows = await db.query(WAITING, [workspaceId, limit, WAITING_SCAN]);
      const parsed = rows.map((row) => v.parse(WaitingRowSchema, row));
      return {
        total: parsed[0]?.total ?? 0,
        conversations: parsed.map((row) => ({
          incomingId: row.id,
          customerMasked: row.customer_masked,
          referenceId: row.reference_id === NO_ORDER ? undefined : row.reference_id,
          waitingSince: row.waiting_since,
          messages: row.messages,
          permalink: present(row.slack_permalink),
          owner: present(row.owner),
          ownedSince: row.owned_since ?? undefined,
        })),
      };
    },
  };
}

export type ConversationWaiting = ReturnType<typeof createConversationWaiting>;
