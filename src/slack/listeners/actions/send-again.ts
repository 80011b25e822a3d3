import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { describeError } from '../../../describe/describe-error.ts';
import type { Sealer } from '../../../domain/sealer.ts';
import { ButtonRefusedError } from '../../../errors/button-refused-error.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { Logger } from '../../../logger.ts';
import type { UsedButtons } from '../../../storage/used-buttons.ts';
import { decodeActionPayload } from '../../action-payload.ts';
import { deliverMessage } from '../../deliver-message.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { SLACK_SURFACE } from '../../messages/slack-surface.ts';
import type { SendReporter } from '../../send-and-report.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

export type ResendActionDeps = {
  reporter: SendReporter;
  sealer: Sealer;
  usedButtons: Pick<UsedButtons, 'use'>;
  logger: Logger;
  trustedResponseOrigins: readonly string[];
};

/**
 * Retry (after a retryable failure) goes through the duplicate guard again; "Send again anyway"
 * (after a duplicate warning) is the one deliberate way past it. Either button works once, for 24
 * hours, in the workspace it was made in; any other click is told why nothing was sent.
 */
export function createResendAction(deps: ResendActionDeps, options: { force: boolean }) {
  return async ({ ack, body, action, client, context }: Args) => {
    await ack();
    const workspaceId = workspaceOf(context);
    const channelId = body.channel?.id;
    const tell = async (error: unknown) => {
      const notice = buildErrorNotice(describeError(error, SLACK_SURFACE));
      const delivery = { client, logger: deps.logger, trustedResponseOrigins: deps.trustedResponseOrigins };
      const target = { userId: body.user.id, channelId, responseUrl: body.response_url };
      await deliverMessage(delivery, { ...target, visibility: 'ephemeral' }, notice);
    };
    const opened = workspaceId
      ? decodeActionPayload(action.value, deps.sealer, { workspaceId })
      : ({ ok: false, reason: 'elsewhere' } as const);
    if (!opened.ok || !workspaceId) {
      deps.logger.warn(
        { action: action.action_id, reason: opened.ok ? 'no workspace' : opened.reason },
        'refused a button',
      );
      return tell(new ButtonRefusedError(opened.ok ? 'elsewhere' : opened.reason));
    }
    const { payload } = opened;
    let first: boolean;
    try {
      first = await deps.usedButtons.use(payload.nonce, workspaceId, payload.expiresAt);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      return tell(error);
    }
    if (!first) {
      deps.logger.warn({ action: action.action_id, workspace: workspaceId }, 'refused a button used before');
      return tell(new ButtonRefusedError('used'));
    }
    deps.reporter.start({
      client,
      workspaceId,
      userId: body.user.id,
      channelId: channelId ?? payload.channelId,
      responseUrl: body.response_url,
      // A button under an outcome in a thread (sent from a message) answers in that thread too.
      threadTs: threadOf(body.message),
      request: payload.request,
      force: options.force,
    });
  };
}

function threadOf(message: Args['body']['message']): string | undefined {
  const threadTs: unknown = message?.thread_ts;
  return typeof threadTs === 'string' && threadTs !== '' ? threadTs : undefined;
}
