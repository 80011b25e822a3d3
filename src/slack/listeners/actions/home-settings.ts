import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { loadSettingsModal, type SettingsModalDeps } from '../../settings-modal.ts';
import { slackErrorCode } from '../../slack-error-code.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * The App Home's Settings button: the settings modal, or why not. The admin check is made again on
 * the click, server-side: the button may be clicked after a demotion, or sent by hand.
 */
export function createHomeSettingsAction(deps: SettingsModalDeps) {
  return async ({ ack, body, client, context }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    const triggerId = body.trigger_id;
    if (!workspaceId || !triggerId) return;
    const loaded = await loadSettingsModal(deps, { client, userId: body.user.id, workspaceId, context });
    const view = loaded.ok ? loaded.view : buildNoticeView('Kaleyra settings', loaded.message);
    try {
      await client.views.open({ trigger_id: triggerId, view });
    } catch (error) {
      deps.logger.warn({ reason: slackErrorCode(error) }, 'could not open the settings from the App Home');
    }
  };
}
