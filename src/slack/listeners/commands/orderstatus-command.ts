import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseSlashCommand } from '../../../domain/parse-command.ts';
import { DEFAULT_LANGUAGE_CODE, DEFAULT_TEMPLATE_NAME } from '../../../domain/workspace-settings.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import { isWorkspaceAdmin } from '../../admin.ts';
import { buildHelpMessage } from '../../messages/help.ts';
import {
  buildNotConfiguredMessage,
  buildSendingNotice,
  buildStorageDownMessage,
} from '../../messages/notices.ts';
import { sendAndReport } from '../../send-and-report.ts';
import { buildConfigModal, buildNotAdminMessage } from '../../views/config-modal.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import { buildSendModal } from '../../views/send-modal.ts';
import { resolveWorkspaceId } from '../../workspace-id.ts';
import type { ListenerContext } from '../context.ts';

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** `/orderstatus …`: acks at once, then help, settings, the modal, or a send. */
export function createOrderStatusCommand(ctx: ListenerContext) {
  return async ({ command, ack, respond, client, body }: Args) => {
    const parsed = parseSlashCommand(command.text ?? '');
    const workspaceId = resolveWorkspaceId(body);

    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...buildHelpMessage() });
      return;
    }
    if (!workspaceId) {
      await ack({
        response_type: 'ephemeral',
        text: 'This request did not say which workspace it came from.',
      });
      return;
    }

    if (parsed.kind === 'send') {
      await ack({ response_type: 'ephemeral', ...buildSendingNotice(parsed.request) });
      ctx.services.tasks.run(async () => {
        await sendAndReport(ctx.send, {
          client,
          workspaceId,
          userId: command.user_id,
          channelId: command.channel_id,
          responseUrl: command.response_url,
          request: parsed.request,
        });
      });
      return;
    }

    await ack();

    if (parsed.kind === 'modal') {
      // The trigger_id lives 3 s: open first with the built-in defaults, then fill in the workspace's.
      const opened = await client.views.open({
        trigger_id: command.trigger_id,
        view: buildSendModal({
          fields: parsed.fields,
          defaults: { templateName: DEFAULT_TEMPLATE_NAME, languageCode: DEFAULT_LANGUAGE_CODE },
          channelId: command.channel_id,
          responseUrl: command.response_url,
          issues: parsed.issues,
        }),
      });
      const view = opened.view;
      if (!view?.id) return;
      let credentials: Awaited<ReturnType<typeof ctx.services.credentials.get>>;
      try {
        credentials = await ctx.services.credentials.get(workspaceId);
      } catch (error) {
        if (!(error instanceof StorageError)) throw error;
        await client.views.update({
          view_id: view.id,
          ...(view.hash ? { hash: view.hash } : {}),
          view: buildNoticeView('Order status update', buildStorageDownMessage()),
        });
        return;
      }
      if (!credentials) {
        await client.views.update({
          view_id: view.id,
          ...(view.hash ? { hash: view.hash } : {}),
          view: buildNoticeView('Order status update', buildNotConfiguredMessage()),
        });
        return;
      }
      if (
        credentials.templateName !== DEFAULT_TEMPLATE_NAME ||
        credentials.languageCode !== DEFAULT_LANGUAGE_CODE
      ) {
        await client.views.update({
          view_id: view.id,
          ...(view.hash ? { hash: view.hash } : {}),
          view: buildSendModal({
            fields: parsed.fields,
            defaults: { templateName: credentials.templateName, languageCode: credentials.languageCode },
            channelId: command.channel_id,
            responseUrl: command.response_url,
            issues: parsed.issues,
          }),
        });
      }
      return;
    }

    // parsed.kind === 'config'
    let admin: boolean;
    let current: Awaited<ReturnType<typeof ctx.services.credentials.get>>;
    try {
      [admin, current] = await Promise.all([
        isWorkspaceAdmin(client, command.user_id),
        ctx.services.credentials.get(workspaceId),
      ]);
    } catch (error) {
      if (error instanceof StorageError) {
        await respond({ response_type: 'ephemeral', ...buildStorageDownMessage() });
        return;
      }
      ctx.logger.warn({ err: error }, 'could not check whether the user is an admin');
      await respond({
        response_type: 'ephemeral',
        text: 'Could not check your Slack role just now, so the settings were not opened. Try again in a minute.',
      });
      return;
    }
    if (!admin) {
      await respond({ response_type: 'ephemeral', ...buildNotAdminMessage() });
      return;
    }
    await client.views.open({
      trigger_id: command.trigger_id,
      view: buildConfigModal(current ? { current } : {}),
    });
  };
}
