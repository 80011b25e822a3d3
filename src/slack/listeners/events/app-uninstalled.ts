import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../../logger.ts';
import type { CredentialStore } from '../../../storage/credential-store.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackEventMiddlewareArgs<'app_uninstalled' | 'tokens_revoked'> & AllMiddlewareArgs;

/**
 * Uninstalling removes the workspace's tokens, its Kaleyra credentials and its send records (journal,
 * claims, used buttons): nothing of a workspace that left stays usable, or stays behind. A token
 * revocation only removes the tokens.
 */
export function createAppUninstalled(deps: {
  installations: { deleteWorkspace(workspaceId: string): Promise<void> };
  credentials: Pick<CredentialStore, 'delete'>;
  records: { deleteWorkspace(workspaceId: string): Promise<number> };
  logger: Logger;
}) {
  return async ({ event, context }: Args) => {
    const workspaceId = workspaceOf(context);
    if (!workspaceId) return;
    await deps.installations.deleteWorkspace(workspaceId);
    let journalRows = 0;
    if (event.type === 'app_uninstalled') {
      await deps.credentials.delete(workspaceId);
      journalRows = await deps.records.deleteWorkspace(workspaceId);
    }
    deps.logger.info(
      { workspace: workspaceId, event: event.type, journalRows },
      'removed the workspace’s stored data',
    );
  };
}
