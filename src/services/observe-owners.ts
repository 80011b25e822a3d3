import type { Metrics } from '../metrics.ts';
import type { ConversationOwners } from './conversation-owners.ts';

type OwnerMetrics = Pick<Metrics, 'conversationsTaken' | 'conversationsResolved' | 'conversationsReopened'>;

/**
 * Conversations taken (`how`: took, took_over), resolved and reopened, counted once per change: a click
 * that changed nothing (already yours, someone else has it, resolved already) is not counted. A
 * decorator, as observe.ts's: the service stays unaware of Prometheus.
 */
export function observeOwners(owners: ConversationOwners, metrics: OwnerMetrics): ConversationOwners {
  return {
    ...owners,
    async take(input) {
      const result = await owners.take(input);
      const how = result.ok ? result.value.outcome : undefined;
      if (how === 'took' || how === 'took_over') metrics.conversationsTaken.inc({ how });
      return result;
    },
    async resolve(input) {
      const result = await owners.resolve(input);
      if (result.ok && result.value.outcome === 'resolved') metrics.conversationsResolved.inc();
      return result;
    },
    async reopenOnMessage(workspaceId, incomingId) {
      const reopened = await owners.reopenOnMessage(workspaceId, incomingId);
      if (reopened) metrics.conversationsReopened.inc();
      return reopened;
    },
  };
}
