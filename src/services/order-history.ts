import type { HistoryQuery } from '../domain/history-query.ts';
import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import type { HistoryPage, OrderHistoryStore } from '../storage/order-history-store.ts';

export type OrderHistoryDeps = { store: Pick<OrderHistoryStore, 'list'>; keyedHash: KeyedHash };

/** What a history query looks up: the order reference, or the customer number's keyed hash. */
export function historyFilterOf(
  query: HistoryQuery,
  keyedHash: KeyedHash,
): { referenceId: string } | { customerHash: string } {
  return query.by === 'reference'
    ? { referenceId: query.referenceId }
    : { customerHash: keyedHash(HASH_PURPOSES.customerNumber, query.to) };
}

/**
 * Order history for one workspace: by order reference, by customer number through its keyed hash, or
 * by who sent it.
 */
export function createOrderHistory(deps: OrderHistoryDeps) {
  return {
    list(workspaceId: string, query: HistoryQuery, limit: number): Promise<HistoryPage> {
      return deps.store.list(workspaceId, historyFilterOf(query, deps.keyedHash), limit);
    },

    /** What one person sent in the workspace (a Slack user id, or `cli`), newest first. */
    listSentBy(workspaceId: string, actor: string, limit: number): Promise<HistoryPage> {
      return deps.store.list(workspaceId, { actor }, limit);
    },
  };
}

export type OrderHistory = ReturnType<typeof createOrderHistory>;
