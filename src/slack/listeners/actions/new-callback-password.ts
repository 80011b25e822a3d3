import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { describeUnavailable } from '../../../describe/describe-unavailable.ts';
import { callbackUrl } from '../../../domain/callback-url.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { Logger } from '../../../logger.ts';
import type { CallbackCredentials } from '../../../services/callback-credentials.ts';
import { canChangeSettings, settingsScopeOf } from '../../admin.ts';
import { slackErrorCode } from '../../slack-error-code.ts';
import {
  buildCallbackPasswordRefusedView,
  buildCallbackPasswordView,
} from '../../views/callback-settings.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

const NOT_ADMIN = 'Only workspace admins and owners can change the callback password.';

/**
 * "New password" in the settings modal: the admin check is repeated here, server-side (the button
 * could be clicked after a demotion, or sent by hand); the password is shown in a modal pushed for that
 * admin only, and exists nowhere else in readable form.
 */
export function createNewCallbackPasswordAction(deps: {
  callbackCredentials: Pick<CallbackCredentials, 'rotate'>;
  publicUrl: string | undefined;
  logger: Logger;
}) {
  return async ({ ack, body, client, context }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    const userId = body.user.id;
    const triggerId = body.trigger_id;
    if (!workspaceId || !triggerId) return;
    const admin = await canChangeSettings(client, userId, settingsScopeOf(context)).catch(
      (error: unknown) => {
        deps.logger.warn({ err: error }, 'could not check whether the user is an admin');
        return false;
      },
    );
    if (!admin) {
      await client.views.push({ trigger_id: triggerId, view: buildCallbackPasswordRefusedView(NOT_ADMIN) });
      return;
    }
    let login: Awaited<ReturnType<CallbackCredentials['rotate']>>;
    try {
      login = await deps.callbackCredentials.rotate(workspaceId, userId);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      const { summary, nextStep } = describeUnavailable(
        'no new password was made (the current one still works)',
      );
      await client.views.push({
        trigger_id: triggerId,
        view: buildCallbackPasswordRefusedView(`${summary} ${nextStep}`),
      });
      return;
    }
    deps.logger.info({ workspace: workspaceId, user: userId }, 'Kaleyra callback password rotated');
    try {
      await client.views.push({
        trigger_id: triggerId,
        view: buildCallbackPasswordView({ url: callbackUrl(deps.publicUrl), ...login }),
      });
    } catch (error) {
      // The new password is lost with the view; a second click makes another.
      deps.logger.warn({ reason: slackErrorCode(error) }, 'could not show the new callback password');
    }
  };
}
