import type { Database } from './database.ts';
import { type IncomingRow, MATCH_BY_NUMBER_DAYS } from './incoming-store.ts';
import type { DeliveryColumns, JournalOutcome, SendJournalRow } from './send-journal-row.ts';

/** An order a reply belongs to: its attempt (the thread) and its reference. */
export type ReplyOrder = { attemptId: string; referenceId: string };

/** What went out: an order-status update or an agent's reply, as the journal keeps it (number masked). */
export type OutgoingEntry = DeliveryColumns &
  Pick<
    SendJournalRow,
    | 'id'
    | 'kind'
    | 'actor'
    | 'customer_masked'
    | 'reference_id'
    | 'status'
    | 'description'
    | 'body'
    | 'media_name'
    | 'media_type'
    | 'forced'
    | 'message_id'
    | 'error_code'
  > &
  Partial<Pick<SendJournalRow, 'error_detail'>> & {
    direction: 'out';
    /** When it was sent (created_at). */
    at: Date;
    /** Attempts the duplicate guard stopped are left out. */
    outcome: Exclude<JournalOutcome, 'duplicate'>;
  };

/** What came in: a customer's message (number masked). */
export type IncomingEntry = Pick<
  IncomingRow,
  'id' | 'customer_masked' | 'customer_name' | 'type' | 'text'
> & {
  direction: 'in';
  /** When the customer sent it (sent_at). */
  at: Date;
};

export type ConversationEntry = OutgoingEntry | IncomingEntry;

/** One order's conversation (by reference), or everything with one customer (by the number's keyed hash). */
export type ConversationFilter = { referenceId: string } | { customerHash: string };

/** Oldest first; `more` when older entries were left out. */
export type ConversationPage = { entries: ConversationEntry[]; more: boolean };

const OUT_COLUMNS = `id, kind, created_at AS at, actor, customer_masked, reference_id, status, description, body,
  media_name, media_type, forced, outcome, message_id, error_code, error_detail, delivery_state, whatsapp_sent_at, delivered_at, read_at,
  delivery_failed_at, delivery_error_code, delivery_error_text`;

// An order's conversation: its updates, the replies that answer it, and the customer's messages matched to it.
const ORDERS = `SELECT id FROM send_journal WHERE workspace_id = $1 AND kind = 'order_status' AND reference_id = $2`;
const OUT_BY_REFERENCE = `SELECT ${OUT_COLUMNS} FROM send_journal
  WHERE workspace_id = $1 AND outcome <> 'duplicate'
    AND ((kind = 'order_status' AND reference_id = $2) OR (kind <> 'order_status' AND parent_id IN (${ORDERS})))
  ORDER BY created_at DESC, id LIMIT $3`;
const IN_BY_REFERENCE = `SELECT id, sent_at AS at, customer_masked, customer_name, type, text FROM incoming_messages
  WHERE workspace_id = $1 AND attempt_id IN (${ORDERS})
  ORDER BY sent_at DESC, id LIMIT $3`;
const OUT_BY_CUSTOMER = `SELECT ${OUT_COLUMNS} FROM send_journal
  WHERE workspace_id = $1 AND customer_hash = $2 AND outcome <> 'duplicate'
  ORDER BY created_at DESC, id LIMIT $3`;
const IN_BY_CUSTOMER = `SELECT id, sent_at AS at, customer_masked, customer_name, type, text FROM incoming_messages
  WHERE workspace_id = $1 AND customer_hash = $2
  ORDER BY sent_at DESC, id LIMIT $3`;

/**
 * The conversation with customers in one workspace (never another's): the orders replies belong to,
 * and both directions of a conversation interleaved by time. Attempts the duplicate guard stopped are
 * left out (nothing was sent).
 */
export function createConversationStore(db: Database) {
  return {
    /** The order-status attempt `attemptId` of this workspace, or undefined. */
    async orderOf(workspaceId: string, attemptId: string): Promise<ReplyOrder | undefined> {
      const rows = await db.query<{ id: string; reference_id: string }>(
        `SELECT id, reference_id FROM send_journal WHERE workspace_id = $1 AND id = $2 AND kind = 'order_status'`,
        [workspaceId, attemptId],
      );
      const row = rows[0];
      return row && { attemptId: row.id, referenceId: row.reference_id };
    },

    /** The newest order sent (or perhaps sent) to the customer from this workspace within the match window. */
    async latestOrderTo(workspaceId: string, customerHash: string): Promise<ReplyOrder | undefined> {
      const rows = await db.query<{ id: string; reference_id: string }>(
        `SELECT id, reference_id FROM send_journal
          WHERE workspace_id = $1 AND customer_hash = $2 AND kind = 'order_status' AND outcome IN ('sent', 'unknown')
            AND created_at >= now() - make_interval(days => $3)
          ORDER BY created_at DESC LIMIT 1`,
        [workspaceId, customerHash, MATCH_BY_NUMBER_DAYS],
      );
      const row = rows[0];
      return row && { attemptId: row.id, referenceId: row.reference_id };
    },

    /** The newest `limit` entries in and out, oldest first. */
    async list(workspaceId: string, filter: ConversationFilter, limit: number): Promise<ConversationPage> {
      const [outSql, inSql, value] =
        'referenceId' in filter
          ? [OUT_BY_REFERENCE, IN_BY_REFERENCE, filter.referenceId]
          : [OUT_BY_CUSTOMER, IN_BY_CUSTOMER, filter.customerHash];
      const params = [workspaceId, value, limit + 1];
      const [out, incoming] = await Promise.all([
        db.query<Omit<OutgoingEntry, 'direction'>>(outSql, params),
        db.query<Omit<IncomingEntry, 'direction'>>(inSql, params),
      ]);
      const entries: ConversationEntry[] = [
        ...out.map((row): OutgoingEntry => ({ ...row, direction: 'out' })),
        ...incoming.map((row): IncomingEntry => ({ ...row, direction: 'in' })),
      ];
      entries.sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());
      const shown = entries.slice(0, limit).reverse();
      return { entries: shown, more: entries.length > limit };
    },
  };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
