import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { resolveWorkspaceId } from '../../workspace-id.ts';
import type { ListenerContext } from '../context.ts';

type Args = SlackEventMiddlewareArgs<'app_uninstalled' | 'tokens_revoked'> & AllMiddlewareArgs;

/**
 * Uninstalling removes the workspace's tokens and its Kaleyra credentials: nothing of a workspace
 * that left stays usable. A token revocation only removes the tokens.
 */
export function createAppUninstalled(ctx: ListenerContext) {
  return async ({ event, body }: Args) => {
    const workspaceId = resolveWorkspaceId(body);
    if (!workspaceId) return;
    const enterpriseInstall = (body as { is_enterprise_install?: boolean }).is_enterprise_install === true;
    await ctx.services.deleteInstallation?.(workspaceId, enterpriseInstall);
    if (event.type === 'app_uninstalled') await ctx.services.credentials.delete(workspaceId);
    ctx.logger.info({ workspace: workspaceId, event: event.type }, 'removed the workspace’s stored data');
  };
}
