import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { asAdmin } from '../../account/admin-gate.ts';
import { workspaceOf } from '../../workspace-of.ts';
import { type QualityDeps, resumeBulkSends } from '../commands/quality-command.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * "Resume bulk sends anyway" (the flag's announcement, `/orderstatus quality`): the same override as
 * `/orderstatus quality resume`, the admin check made again on the click; answered to the clicker.
 */
export function createQualityResumeAction(deps: QualityDeps) {
  return async ({ ack, body, client, context, respond }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    if (!workspaceId) return;
    const userId = body.user.id;
    const answer = await asAdmin(
      { client, userId, context, logger: deps.logger, what: 'resume bulk sends on a flagged number' },
      () => resumeBulkSends(deps, workspaceId, userId),
    );
    await respond({ response_type: 'ephemeral', replace_original: false, ...answer });
  };
}
