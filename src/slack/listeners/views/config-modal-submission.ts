import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { describeError } from '../../../describe/describe-error.ts';
import { validateSettingsChanges } from '../../../domain/workspace-settings.ts';
import { NotConfiguredError } from '../../../errors/not-configured-error.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { Logger } from '../../../logger.ts';
import type { CredentialStore } from '../../../storage/credential-store.ts';
import { canChangeSettings, settingsScopeOf } from '../../admin.ts';
import { CONFIG_FIELDS, readConfigModalValues } from '../../ids.ts';
import { buildErrorNotice, buildSettingsSavedMessage } from '../../messages/notices.ts';
import { SLACK_SURFACE } from '../../messages/slack-surface.ts';
import { buildConfigModalErrors, buildNotAdminMessage } from '../../views/config-modal.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

const TITLE = 'Kaleyra settings';

/** Saves the workspace's Kaleyra settings; the admin check is repeated here, server-side. */
export function createConfigModalSubmission(deps: {
  credentials: Pick<CredentialStore, 'update'>;
  logger: Logger;
}) {
  return async ({ ack, body, view, client, context }: Args) => {
    const workspaceId = workspaceOf(context);
    if (!workspaceId) return ack();
    const userId = body.user.id;
    // Repeated on submit: a form an admin opened may be submitted by someone else.
    const scope = settingsScopeOf(context);
    const admin = await canChangeSettings(client, userId, scope).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'could not check whether the user is an admin');
      return false;
    });
    if (!admin)
      return ack({ response_action: 'update', view: buildNoticeView(TITLE, buildNotAdminMessage(scope)) });

    const result = validateSettingsChanges(readConfigModalValues(view));
    if (!result.ok) return ack(buildConfigModalErrors(result.issues));
    try {
      // A blank API key keeps the saved one; with nothing saved it is required.
      const saved = await deps.credentials.update(workspaceId, result.value, userId);
      await ack({
        response_action: 'update',
        view: buildNoticeView(TITLE, buildSettingsSavedMessage(saved)),
      });
      deps.logger.info({ workspace: workspaceId, user: userId }, 'Kaleyra settings saved');
    } catch (error) {
      const keyMessage =
        error instanceof NotConfiguredError
          ? 'Enter the Kaleyra API key.'
          : error instanceof StorageError && error.reason === 'unreadable'
            ? 'The saved API key can no longer be read: enter it again.'
            : undefined;
      if (keyMessage)
        return ack({ response_action: 'errors', errors: { [CONFIG_FIELDS.apiKey.blockId]: keyMessage } });
      if (!(error instanceof StorageError)) throw error;
      const notice = buildErrorNotice(describeError(error, SLACK_SURFACE));
      await ack({ response_action: 'update', view: buildNoticeView(TITLE, notice) });
    }
  };
}
