import type { Database } from './database.ts';
import type { DeliveryColumns } from './delivery-journal.ts';

/** One attempt as order history shows it (customer numbers only masked). */
export type HistoryEntry = DeliveryColumns & {
  id: string;
  created_at: Date;
  actor: string;
  source: string;
  customer_masked: string;
  reference_id: string;
  status: string;
  description: string | null;
  forced: boolean;
  outcome: 'in_flight' | 'sent' | 'failed' | 'unknown';
  message_id: string | null;
  error_code: string | null;
};

/** One order, one customer (by the keyed hash of the number), or everything one person sent. */
export type HistoryFilter = { referenceId: string } | { customerHash: string } | { actor: string };

export type HistoryPage = { entries: HistoryEntry[]; more: boolean };

const COLUMNS = `id, created_at, actor, source, customer_masked, reference_id, status, description, forced,
  outcome, message_id, error_code, delivery_state, whatsapp_sent_at, delivered_at, read_at,
  delivery_failed_at, delivery_error_code, delivery_error_text`;

/**
 * Order history: a workspace's order-status updates (agents' replies are in conversation-store.ts) for
 * one order, one customer or one sender, newest first. Attempts the
 * duplicate guard stopped are left out (nothing was sent); rejected and uncertain ones stay in, since
 * "did the customer get it?" is the question. Customer numbers are looked up by their keyed hash.
 */
export function createOrderHistoryStore(db: Database) {
  return {
    async list(workspaceId: string, filter: HistoryFilter, limit: number): Promise<HistoryPage> {
      const [column, value] =
        'referenceId' in filter
          ? ['reference_id', filter.referenceId]
          : 'actor' in filter
            ? ['actor', filter.actor]
            : ['customer_hash', filter.customerHash];
      const rows = await db.query<HistoryEntry>(
        `SELECT ${COLUMNS} FROM send_journal
          WHERE workspace_id = $1 AND ${column} = $2 AND outcome <> 'duplicate' AND kind = 'order_status'
          ORDER BY created_at DESC, id
          LIMIT $3`,
        [workspaceId, value, limit + 1],
      );
      return { entries: rows.slice(0, limit), more: rows.length > limit };
    },
  };
}

export type OrderHistoryStore = ReturnType<typeof createOrderHistoryStore>;
