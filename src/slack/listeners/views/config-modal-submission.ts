import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { validateWorkspaceSettings, type WorkspaceCredentials } from '../../../domain/workspace-settings.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import { isWorkspaceAdmin } from '../../admin.ts';
import { CONFIG_FIELDS, readConfigModalValues } from '../../ids.ts';
import { buildSettingsSavedMessage, buildStorageDownMessage } from '../../messages/notices.ts';
import { buildConfigModalErrors, buildNotAdminMessage } from '../../views/config-modal.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import { resolveWorkspaceId } from '../../workspace-id.ts';
import type { ListenerContext } from '../context.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/** Saves the workspace's Kaleyra settings; the admin check is repeated here, server-side. */
export function createConfigModalSubmission(ctx: ListenerContext) {
  return async ({ ack, body, view, client }: Args) => {
    const workspaceId = resolveWorkspaceId(body);
    if (!workspaceId) {
      await ack();
      return;
    }
    const userId = body.user.id;
    let admin = false;
    try {
      admin = await isWorkspaceAdmin(client, userId);
    } catch (error) {
      ctx.logger.warn({ err: error }, 'could not check whether the user is an admin');
    }
    if (!admin) {
      await ack({
        response_action: 'update',
        view: buildNoticeView('Kaleyra settings', buildNotAdminMessage()),
      });
      return;
    }

    const values = readConfigModalValues(view);
    let current: WorkspaceCredentials | undefined;
    try {
      current = await ctx.services.credentials.get(workspaceId);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      await ack({
        response_action: 'update',
        view: buildNoticeView('Kaleyra settings', buildStorageDownMessage()),
      });
      return;
    }
    // A blank API key keeps the saved one; with nothing saved it is required.
    const apiKey = values.apiKey ?? current?.apiKey;
    if (apiKey === undefined) {
      await ack({
        response_action: 'errors',
        errors: { [CONFIG_FIELDS.apiKey.blockId]: 'Enter the Kaleyra API key.' },
      });
      return;
    }
    const result = validateWorkspaceSettings({ ...values, apiKey });
    if (!result.ok) {
      await ack(buildConfigModalErrors(result.issues));
      return;
    }
    try {
      const saved = await ctx.services.credentials.set(workspaceId, result.value, userId);
      await ack({
        response_action: 'update',
        view: buildNoticeView('Kaleyra settings', buildSettingsSavedMessage(saved)),
      });
      ctx.logger.info({ workspace: workspaceId, user: userId }, 'Kaleyra settings saved');
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      await ack({
        response_action: 'update',
        view: buildNoticeView('Kaleyra settings', buildStorageDownMessage()),
      });
    }
  };
}
