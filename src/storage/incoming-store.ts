import * as v from 'valibot';
import type { IncomingLocation, IncomingMedia, IncomingType } from '../domain/incoming-message.ts';
import { type IncomingMessagesRow, IncomingMessagesRowSchema } from './conversation-tables.ts';
import type { Database } from './database.ts';
import { selectList } from './row-schema.ts';
import { createStatementBatcher } from './statement-batcher.ts';

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
  /** The keyword was written before the number's newest consent change: it changed nothing. */
  keywordLate: boolean;
};

/** What a message carries besides its text: its media link, or its location. */
export type IncomingDetails = { media?: IncomingMedia; location?: IncomingLocation };

/** How a stored message was matched to an order: by the message it replied to, or by the number. */
export type MatchedBy = NonNullable<IncomingMessagesRow['matched_by']>;

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
export type PostState = IncomingMessagesRow['post_state'];

// One statement for every message recorded in one event-loop turn (statement-batcher.ts): match each
// (the message it replied to, by WhatsApp's id then Kaleyra's; else the newest send to the number within
// the window that was not reported undelivered; always the order a reply belongs to), insert each once per WhatsApp id, and take each
// order's "first reply" mark for the earliest of its new messages. Only the message's own workspace's
// sends are ever looked at.
const RECORD = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[], $13::text[], $14::text[], $15::text[],
      $17::boolean[])
    AS i(workspace_id, id, message_id, customer_hash, customer_masked, customer_name, business_number, type,
      text, details, sent_at, context_id, reply_to, keyword, customer_sealed, keyword_late)
), matched AS (
  SELECT i.*, f.attempt_id, f.how FROM input i
  LEFT JOIN LATERAL (
    SELECT COALESCE(j.parent_id, j.id) AS attempt_id, m.how FROM (
      (SELECT w.attempt_id AS id, 'context' AS how, 1 AS rank FROM send_wamids w
        WHERE w.workspace_id = i.workspace_id AND w.wamid = i.context_id)
      UNION ALL
      (SELECT s.id, 'context', 2 FROM send_journal s
        WHERE s.workspace_id = i.workspace_id AND s.message_id = i.context_id ORDER BY s.created_at DESC LIMIT 1)
      UNION ALL
      (SELECT s.id, 'reply_to', 3 FROM send_journal s
        WHERE s.workspace_id = i.workspace_id AND s.message_id = i.reply_to ORDER BY s.created_at DESC LIMIT 1)
      UNION ALL
      (SELECT s.id, 'number', 4 FROM send_journal s
        WHERE s.workspace_id = i.workspace_id AND s.customer_hash = i.customer_hash
          AND s.outcome IN ('sent', 'unknown') AND s.created_at >= now() - make_interval(days => $16)
        -- A customer answers what reached them: a send WhatsApp reported undelivered comes last.
        ORDER BY COALESCE(s.delivery_state IN ('failed', 'not_sent'), false), s.created_at DESC LIMIT 1)
    ) m JOIN send_journal j ON j.id = m.id AND j.workspace_id = i.workspace_id
    ORDER BY m.rank LIMIT 1
  ) f ON true
), inserted AS (
  INSERT INTO incoming_messages (id, workspace_id, message_id, customer_hash, customer_masked, customer_name,
    business_number, type, text, details, sent_at, attempt_id, matched_by, keyword, customer_sealed, keyword_late)
  SELECT id, workspace_id, message_id, customer_hash, customer_masked, customer_name, business_number, type,
    text, details, sent_at, attempt_id, how, keyword, customer_sealed, keyword_late FROM matched
  ON CONFLICT (workspace_id, message_id) DO NOTHING
  RETURNING id, attempt_id, matched_by, sent_at
), first AS (
  UPDATE send_journal j SET first_reply_id = x.id
    FROM (SELECT DISTINCT ON (attempt_id) attempt_id, id FROM inserted
           WHERE attempt_id IS NOT NULL ORDER BY attempt_id, sent_at, id) x
   WHERE j.id = x.attempt_id AND j.first_reply_id IS NULL
  RETURNING j.first_reply_id
)
SELECT i.id, i.attempt_id, i.matched_by, i.id IN (SELECT first_reply_id FROM first) AS first FROM inserted i`;

const RecordedRowSchema = v.object({
  id: v.string(),
  attempt_id: v.nullable(v.string()),
  matched_by: IncomingMessagesRowSchema.entries.matched_by,
  first: v.boolean(),
});

/** The columns an IncomingRow is read from (readIncomingRow). */
const INCOMING_COLUMNS = [
  'id',
  'workspace_id',
  'message_id',
  'customer_hash',
  'customer_masked',
  'customer_sealed',
  'customer_name',
  'type',
  'text',
  'details',
  'sent_at',
  'received_at',
  'attempt_id',
  'matched_by',
  'keyword',
  'keyword_late',
  'post_state',
  'slack_channel',
  'slack_ts',
  'slack_thread_ts',
  'slack_permalink',
] as const satisfies ReadonlyArray<keyof IncomingMessagesRow>;
export const INCOMING_ROW_COLUMNS = selectList(INCOMING_COLUMNS);
const IncomingColumnsSchema = v.pick(IncomingMessagesRowSchema, INCOMING_COLUMNS);

/** A stored customer's message, as Slack and the reply read it (the number sealed; never in clear). */
export type IncomingRow = Omit<Pick<IncomingMessagesRow, (typeof INCOMING_COLUMNS)[number]>, 'details'> & {
  /** The media link or the location, checked as read. */
  details: IncomingDetails | undefined;
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
  return { ...v.parse(IncomingColumnsSchema, row), details };
}

/** Customers' messages: recorded once, matched to an order of the same workspace, then shown in Slack. */
export function createIncomingStore(db: Database) {
  /** Records one message (with the others of the same event-loop turn, in one statement). */
  const record = createStatementBatcher<IncomingInsert, IncomingRecorded>(async (items) => {
    const column = <T>(pick: (item: IncomingInsert) => T) => items.map(pick);
    const rows = await db.query(RECORD, [
      column((m) => m.workspaceId),
      column((m) => m.id),
      column((m) => m.messageId),
      column((m) => m.customerHash),
      column((m) => m.customerMasked),
      column((m) => m.customerName ?? null),
      column((m) => m.businessNumber ?? null),
      column((m) => m.type),
      column((m) => m.text ?? null),
      column((m) => (m.details ? JSON.stringify(m.details) : null)),
      column((m) => m.sentAt),
      column((m) => m.contextId ?? null),
      column((m) => m.replyTo ?? null),
      column((m) => m.keyword ?? null),
      column((m) => m.customerSealed),
      MATCH_BY_NUMBER_DAYS,
      column((m) => m.keywordLate),
    ]);
    const byId = new Map<string, IncomingRecorded>();
    for (const row of rows) {
      const parsed = v.safeParse(RecordedRowSchema, row);
      if (!parsed.success) continue;
      const { id, attempt_id, matched_by, first } = parsed.output;
      byId.set(id, {
        inserted: true,
        id,
        attemptId: attempt_id ?? undefined,
        matchedBy: matched_by ?? undefined,
        first,
      });
    }
    // A message whose WhatsApp id was already recorded (a retry) inserted nothing.
    return items.map(
      (item) =>
        byId.get(item.id) ?? {
          inserted: false,
          id: item.id,
          attemptId: undefined,
          matchedBy: undefined,
          first: false,
        },
    );
  });

  return {
    /** One message of this workspace (never another's), or undefined. */
    async read(workspaceId: string, id: string): Promise<IncomingRow | undefined> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${INCOMING_ROW_COLUMNS} FROM incoming_messages WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, id],
      );
      return rows[0] && readIncomingRow(rows[0]);
    },

    /**
     * The customer's newest message to this workspace, by where the 24-hour window counts from (when they
     * sent it, or its receipt when that is earlier: message-time.ts): the window counts from it.
     */
    async lastFromCustomer(workspaceId: string, customerHash: string): Promise<IncomingRow | undefined> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${INCOMING_ROW_COLUMNS} FROM incoming_messages WHERE workspace_id = $1 AND customer_hash = $2
          ORDER BY LEAST(sent_at, received_at) DESC, received_at DESC LIMIT 1`,
        [workspaceId, customerHash],
      );
      return rows[0] && readIncomingRow(rows[0]);
    },

    /**
     * Of a customer's possible numbers (as keyed hashes), the one this workspace last sent to (an attempt
     * that went out, or may have), or undefined: a WhatsApp id may stand for more than one number.
     */
    async newestSentTo(workspaceId: string, customerHashes: readonly string[]): Promise<string | undefined> {
      const rows = await db.query<{ customer_hash: string }>(
        `SELECT customer_hash FROM send_journal
          WHERE workspace_id = $1 AND customer_hash = ANY($2::text[]) AND outcome IN ('sent', 'unknown')
          ORDER BY created_at DESC LIMIT 1`,
        [workspaceId, customerHashes],
      );
      return rows[0]?.customer_hash;
    },

    record,
  };
}

export type IncomingStore = ReturnType<typeof createIncomingStore>;
