import type { HistoryQuery } from '../domain/history-query.ts';
import type { KeyedHash } from '../domain/keyed-hash.ts';
import type { ConversationPage, ConversationStore } from '../storage/conversation-store.ts';
import { historyFilterOf } from './order-history.ts';

export type ConversationHistoryDeps = { store: Pick<ConversationStore, 'list'>; keyedHash: KeyedHash };

/**
 * A conversation in one workspace, in and out, oldest first: one order's updates, the replies that
 * answer it and the customer's messages matched to it; or everything with one customer number (found
 * by its keyed hash).
 */
export function createConversationHistory(deps: ConversationHistoryDeps) {
  return {
    list(workspaceId: string, query: HistoryQuery, limit: number): Promise<ConversationPage> {
      return deps.store.list(workspaceId, historyFilterOf(query, deps.keyedHash), limit);
    },
  };
}

export type ConversationHistory = ReturnType<typeof createConversationHistory>;
