import * as v from 'valibot';
import type { IncomingLocation, IncomingMedia, IncomingType } from '../domain/incoming-message.ts';
import type { Database } from './database.ts';

/** A customer's message may be matched to an order sent to their number this many days before. */
export const MATCH_BY_NUMBER_DAYS = 30;

/** A customer's message as the receiver stores it (the number only as its keyed hash and masked). */
export type IncomingInsert = {
  id: string;
  workspaceId: string;
  messageId: string;
  customerHash: string;
  customerMasked: string;
  /** The number sealed for this workspace (the reply needs it; nothing else may read it). */
  customerSealed: string;
  customerName: string | undefined;
  businessNumber: string | undefined;
  type: IncomingType | 'other';
  text: string | undefined;
  details: IncomingDetails | undefined;
  sentAt: Date;
  contextId: string | undefined;
  replyTo: string | undefined;
  /** `opt_out` / `opt_in` when the message was a consent keyword. */
  keyword: 'opt_out' | 'opt_in' | undefined;
};

/** What a message carries besides its text: its media link, or its location. */
export type IncomingDetails = { media?: IncomingMedia; location?: IncomingLocation };

/** How a stored message was matched to an order: by the message it replied to, or by the number. */
export type MatchedBy = 'context' | 'reply_to' | 'number';

export type IncomingRecorded = {
  /** False when this WhatsApp id was already recorded (Kaleyra retried): nothing new to show. */
  inserted: boolean;
  id: string;
  /** The order (an order-status attempt) it was matched to, or undefined. */
  attemptId: string | undefined;
  matchedBy: MatchedBy | undefined;
  /** The order's first customer message: its post mentions the agent who sent the order. */
  first: boolean;
};

/** Where a customer's message ended up in Slack. */
export type PostState = 'pending' | 'thread' | 'replies_channel' | 'dm' | 'kept';

// One statement: match (the message it replied to, by WhatsApp's id then Kaleyra's; else the newest
// send to the number within the window; always the order a reply belongs to), insert once per WhatsApp
// id, and take the order's "first reply" mark. Only this workspace's sends are ever looked at.
const RECORD = `
WITH found AS (
  SELECT COALESCE(j.parent_id, j.id) AS attempt_id, m.how FROM (
    (SELECT w.attempt_id AS id, 'context' AS how, 1 AS rank FROM send_wamids w
      WHERE w.workspace_id = $1 AND w.wamid = $12::text)
    UNION ALL
    (SELECT j.id, 'context', 2 FROM send_journal j
      WHERE j.workspace_id = $1 AND j.message_id = $12::text ORDER BY j.created_at DESC LIMIT 1)
    UNION ALL
    (SELECT j.id, 'reply_to', 3 FROM send_journal j
      WHERE j.workspace_id = $1 AND j.message_id = $13::text ORDER BY j.created_at DESC LIMIT 1)
    UNION ALL
    (SELECT j.id, 'number', 4 FROM send_journal j
      WHERE j.workspace_id = $1 AND j.customer_hash = $4 AND j.outcome IN ('sent', 'unknown')
        AND j.created_at >= now() - make_interval(days => $15)
      ORDER BY j.created_at DESC LIMIT 1)
  ) m JOIN send_journal j ON j.id = m.id AND j.workspace_id = $1
  ORDER BY m.rank LIMIT 1
), inserted AS (
  INSERT INTO incoming_messages (id, workspace_id, message_id, customer_hash, customer_masked, customer_name,
    business_number, type, text, details, sent_at, attempt_id, matched_by, keyword, customer_sealed)
  SELECT $2, $1, $3, $4, $5, $6, $7, $8, $9, $10, $11::timestamptz,
    (SELECT attempt_id FROM found), (SELECT how FROM found), $14, $16
  ON CONFLICT (workspace_id, message_id) DO NOTHING
  RETURNING id, attempt_id, matched_by
), first AS (
  UPDATE send_journal SET first_reply_id = (SELECT id FROM inserted)
   WHERE id = (SELECT attempt_id FROM inserted) AND first_reply_id IS NULL
  RETURNING id
)
SELECT i.id, i.attempt_id, i.matched_by, EXISTS (SELECT 1 FROM first) AS first FROM inserted i`;

const RecordedRowSchema = v.object({
  id: v.string(),
  attempt_id: v.nullable(v.string()),
  matched_by: v.nullable(v.picklist(['context', 'reply_to', 'number'])),
  first: v.boolean(),
});

/** A stored customer's message, as Slack and the reply read it (the number sealed; never in clear). */
export type IncomingRow = {
  id: string;
  workspace_id: string;
  message_id: string;
  customer_hash: string;
  customer_masked: string;
  customer_sealed: string;
  customer_name: string | null;
  type: string;
  text: string | null;
  details: IncomingDetails | undefined;
  sent_at: Date;
  received_at: Date;
  attempt_id: string | null;
  matched_by: MatchedBy | null;
  keyword: 'opt_out' | 'opt_in' | null;
  post_state: PostState;
  slack_channel: string | null;
  slack_ts: string | null;
  slack_thread_ts: string | null;
  slack_permalink: string | null;
};

const DetailsSchema = v.object({
  media: v.optional(
    v.object({
      url: v.optional(v.string()),
      mimeType: v.optional(v.string()),
      filename: v.optional(v.string()),
    }),
  ),
  location: v.optional(
    v.object({
      latitude: v.number(),
      longitude: v.number(),
      name: v.optional(v.string()),
      address: v.optional(v.string()),
    }),
  ),
});

/** The columns an IncomingRow is read from (readIncomingRow). */
export const INCOMING_ROW_COLUMNS = `id, workspace_id, message_id, customer_hash, customer_masked, customer_sealed, customer_name, type,
  text, details, sent_at, received_at, attempt_id, matched_by, keyword, post_state, slack_channel, slack_ts,
  slack_thread_ts, slack_permalink`;

/** A row as read: `details` (JSON text) checked, and dropped when it is not what the receiver wrote. */
export function readIncomingRow(row: Record<string, unknown>): IncomingRow {
  let details: IncomingDetails | undefined;
  if (typeof row.details === 'string') {
    try {
      const parsed = v.safeParse(DetailsSchema, JSON.parse(row.details));
      if (parsed.success) details = parsed.output as IncomingDetails;
    } catch {
      details = undefined;
    }
  }
  return { ...(row as Omit<IncomingRow, 'details'>), details };
}

/** Customers' messages: recorded once, matched to an order of the same workspace, then shown in Slack. */
export function createIncomingStore(db: Database) {
  return {
    /** One message of this workspace (never another's), or undefined. */
    async read(workspaceId: string, id: string): Promise<IncomingRow | undefined> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${INCOMING_ROW_COLUMNS} FROM incoming_messages WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
      return rows[0] && readIncomingRow(rows[0]);
    },

    /** The customer's newest message to this workspace (by when they sent it): the 24-hour window counts from it. */
    async lastFromCustomer(workspaceId: string, customerHash: string): Promise<IncomingRow | undefined> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${INCOMING_ROW_COLUMNS} FROM incoming_messages WHERE workspace_id = $1 AND customer_hash = $2
          ORDER BY sent_at DESC, received_at DESC LIMIT 1`,
        [workspaceId, customerHash],
      );
      return rows[0] && readIncomingRow(rows[0]);
    },

    async record(input: IncomingInsert): Promise<IncomingRecorded> {
      const rows = await db.query(RECORD, [
        input.workspaceId,
        input.id,
        input.messageId,
        input.customerHash,
        input.customerMasked,
        input.customerName ?? null,
        input.businessNumber ?? null,
        input.type,
        input.text ?? null,
        input.details ? JSON.stringify(input.details) : null,
        input.sentAt,
        input.contextId ?? null,
        input.replyTo ?? null,
        input.keyword ?? null,
        MATCH_BY_NUMBER_DAYS,
        input.customerSealed,
      ]);
      const parsed = v.safeParse(RecordedRowSchema, rows[0]);
      if (!parsed.success)
        return { inserted: false, id: input.id, attemptId: undefined, matchedBy: undefined, first: false };
      const row = parsed.output;
      return {
        inserted: true,
        id: row.id,
        attemptId: row.attempt_id ?? undefined,
        matchedBy: row.matched_by ?? undefined,
        first: row.first,
      };
    },
  };
}

export type IncomingStore = ReturnType<typeof createIncomingStore>;
