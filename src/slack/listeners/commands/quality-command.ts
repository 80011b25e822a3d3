import type { Logger } from '../../../logger.ts';
import type { AccountHealth } from '../../../services/account-health.ts';
import type { Consent } from '../../../services/consent.ts';
import { asAdmin } from '../../account/admin-gate.ts';
import { buildQualityMessage, buildQualityResumed } from '../../messages/consent-messages.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

export type QualityDeps = {
  accountHealth: Pick<AccountHealth, 'show' | 'resumeBulk'>;
  consent: Pick<Consent, 'count'>;
  /** Bulk jobs the override resumed: their progress messages, and this process's worker at once. */
  onResumed: (jobs: ReadonlyArray<{ jobId: string; workspaceId: string }>) => void;
  logger: Logger;
};

/** The admin's override of a flagged number's bulk pause (the command and the button share it). */
export async function resumeBulkSends(deps: QualityDeps, workspaceId: string, userId: string) {
  const result = await deps.accountHealth.resumeBulk(workspaceId, userId);
  if (result.overridden) {
    deps.logger.info({ workspace: workspaceId, user: userId }, 'bulk sends resumed on a flagged number');
  }
  deps.onResumed(result.resumed);
  return buildQualityResumed({ ...result, by: userId });
}

/** `/orderstatus quality` (the account's state) and `/orderstatus quality resume`: admins only. */
export function createQualityCommand(deps: QualityDeps): SubcommandHandlers['quality'] {
  return async ({ ack, respond, client, command, context }, { action }, workspaceId) => {
    await ack();
    const userId = command.user_id;
    const what = action === 'resume' ? 'resume bulk sends on a flagged number' : 'see the account’s quality';
    const answer = await asAdmin({ client, userId, context, logger: deps.logger, what }, async () => {
      if (action === 'resume') return resumeBulkSends(deps, workspaceId, userId);
      const view = await deps.accountHealth.show(workspaceId);
      return buildQualityMessage(
        view,
        await deps.consent.count(workspaceId, view.credentials.businessNumber),
      );
    });
    await respond({ response_type: 'ephemeral', ...answer });
  };
}
