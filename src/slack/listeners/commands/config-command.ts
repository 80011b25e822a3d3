import { describeError } from '../../../describe/describe-error.ts';
import { callbackUrl } from '../../../domain/callback-url.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { CallbackCredentials } from '../../../services/callback-credentials.ts';
import type { CredentialStore } from '../../../storage/credential-store.ts';
import { canChangeSettings, settingsScopeOf } from '../../admin.ts';
import { SLASH_COMMAND } from '../../ids.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { SLACK_SURFACE } from '../../messages/slack-surface.ts';
import { buildConfigModal, buildNotAdminMessage } from '../../views/config-modal.ts';
import { type ModalDeps, openModalOrTell } from './open-modal.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/**
 * `/orderstatus config`: the settings modal, for workspace admins and owners only (org admins and
 * owners for an org-wide install), checked server-side.
 */
export function createConfigCommand(
  deps: ModalDeps & {
    credentials: Pick<CredentialStore, 'get'>;
    callbackCredentials: Pick<CallbackCredentials, 'show'>;
    publicUrl: string | undefined;
  },
): SubcommandHandlers['config'] {
  return async (args, _parsed, workspaceId) => {
    const { ack, respond, client, command, context } = args;
    await ack();
    const scope = settingsScopeOf(context);
    let admin: boolean;
    let current: Awaited<ReturnType<CredentialStore['get']>>;
    let callbacks: Awaited<ReturnType<CallbackCredentials['show']>>;
    try {
      [admin, current, callbacks] = await Promise.all([
        canChangeSettings(client, command.user_id, scope),
        deps.credentials.get(workspaceId),
        deps.callbackCredentials.show(workspaceId),
      ]);
    } catch (error) {
      if (error instanceof StorageError) {
        await respond({
          response_type: 'ephemeral',
          ...buildErrorNotice(describeError(error, SLACK_SURFACE)),
        });
        return;
      }
      deps.logger.warn({ err: error }, 'could not check whether the user is an admin');
      await respond({
        response_type: 'ephemeral',
        text: 'Could not check your Slack role just now, so the settings were not opened. Try again in a minute.',
      });
      return;
    }
    if (!admin) {
      await respond({ response_type: 'ephemeral', ...buildNotAdminMessage(scope) });
      return;
    }
    const view = buildConfigModal({
      scope,
      ...(current ? { current } : {}),
      callbacks: {
        url: callbackUrl(deps.publicUrl),
        username: callbacks?.username,
        lastCallbackAt: callbacks?.lastCallbackAt?.toISOString(),
        publicUrlSet: deps.publicUrl !== undefined,
      },
    });
    await openModalOrTell(deps, args, { what: 'the settings', again: `${SLASH_COMMAND} config` }, view);
  };
}
