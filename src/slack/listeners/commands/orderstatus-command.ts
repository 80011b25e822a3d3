import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseSlashCommand } from '../../../domain/parse-command.ts';
import { DEFAULT_LANGUAGE_CODE, DEFAULT_TEMPLATE_NAME } from '../../../domain/workspace-settings.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import { isWorkspaceAdmin } from '../../admin.ts';
import { deliverMessage } from '../../deliver-message.ts';
import { SLASH_COMMAND } from '../../ids.ts';
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
      const opened = await openOrTell(ctx, client, command, { what: 'the form', again: SLASH_COMMAND }, () =>
        client.views.open({
          trigger_id: command.trigger_id,
          view: buildSendModal({
            fields: parsed.fields,
            defaults: { templateName: DEFAULT_TEMPLATE_NAME, languageCode: DEFAULT_LANGUAGE_CODE },
            channelId: command.channel_id,
            responseUrl: command.response_url,
            issues: parsed.issues,
          }),
        }),
      );
      const view = opened?.view;
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
    await openOrTell(ctx, client, command, { what: 'the settings', again: `${SLASH_COMMAND} config` }, () =>
      client.views.open({
        trigger_id: command.trigger_id,
        view: buildConfigModal(current ? { current } : {}),
      }),
    );
  };
}

/**
 * Opens a modal, or tells the person (ephemerally) that it could not be opened, instead of leaving
 * them with nothing after the ack: an `expired_trigger_id` (Slack allows 3 s) or a Slack outage.
 */
async function openOrTell<T>(
  ctx: ListenerContext,
  client: Args['client'],
  command: Args['command'],
  { what, again }: { what: string; again: string },
  open: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await open();
  } catch (error) {
    const code = slackErrorCode(error);
    ctx.logger.warn({ reason: code }, `could not open ${what}`);
    const text =
      code === 'expired_trigger_id'
        ? `Slack did not let the app open ${what} in time (expired_trigger_id). Run \`${again}\` again.`
        : `Could not open ${what} just now (${code}). Run \`${again}\` again in a minute; if it keeps happening, tell whoever runs orderstatus.`;
    await deliverMessage(
      { client, logger: ctx.logger, trustedResponseOrigins: ctx.send.trustedResponseOrigins },
      {
        userId: command.user_id,
        channelId: command.channel_id,
        responseUrl: command.response_url,
        visibility: 'ephemeral',
      },
      { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${text}` } }] },
    );
    return undefined;
  }
}

/** Slack's error code (`expired_trigger_id`…) when the Web API answered one; otherwise a short reason. */
function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  if (data && typeof data.error === 'string') return data.error.replace(/[^a-z0-9_]/gi, '').slice(0, 60);
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown_error';
}
