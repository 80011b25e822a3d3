import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../../logger.ts';
import type { CredentialStore } from '../../../storage/credential-store.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackEventMiddlewareArgs<'app_uninstalled' | 'tokens_revoked'> & AllMiddlewareArgs;

/**
 * Uninstalling removes the workspace's tokens and its Kaleyra credentials: nothing of a workspace
 * that left stays usable. A token revocation only removes the tokens.
 */
export function createAppUninstalled(deps: {
  installations: { deleteWorkspace(workspaceId: string): Promise<void> };
  credentials: Pick<CredentialStore, 'delete'>;
  logger: Logger;
}) {
  return async ({ event, context }: Args) => {
    const workspaceId = workspaceOf(context);
    if (!workspaceId) return;
    await deps.installations.deleteWorkspace(workspaceId);
    if (event.type === 'app_uninstalled') await deps.credentials.delete(workspaceId);
    deps.logger.info({ workspace: workspaceId, event: event.type }, 'removed the workspace’s stored data');
  };
}
