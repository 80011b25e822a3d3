import type { Database } from './database.ts';
import { type Narrowed, selectList } from './row-schema.ts';
import {
  ATTEMPT_COLUMNS,
  DELIVERY_COLUMNS,
  type JournalOutcome,
  type SendJournalColumn,
  type SendJournalRow,
} from './send-journal-row.ts';

const COLUMNS = [
  ...ATTEMPT_COLUMNS,
  'forced',
  'outcome',
  'error_code',
  'error_detail',
  ...DELIVERY_COLUMNS,
] as const satisfies readonly SendJournalColumn[];

/** One attempt as order history shows it (customer numbers only masked; no attempt the guard stopped). */
export type HistoryEntry = Narrowed<
  Pick<SendJournalRow, Exclude<(typeof COLUMNS)[number], 'error_detail'>>,
  { outcome: Exclude<JournalOutcome, 'duplicate'> }
> &
  // Only network failures have one; entries built elsewhere (App Home's recent sends) may leave it out.
  Partial<Pick<SendJournalRow, 'error_detail'>>;

/** One order, one customer (by the keyed hash of the number), or everything one person sent. */
export type HistoryFilter = { referenceId: string } | { customerHash: string } | { actor: string };

export type HistoryPage = { entries: HistoryEntry[]; more: boolean };

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
        `SELECT ${selectList(COLUMNS)} FROM send_journal
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
