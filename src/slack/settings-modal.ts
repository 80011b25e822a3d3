import type { Context, webApi } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { describeError } from '../describe/describe-error.ts';
import { callbackUrl } from '../domain/callback-url.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { Logger } from '../logger.ts';
import type { CallbackCredentials } from '../services/callback-credentials.ts';
import type { CredentialStore } from '../storage/credential-store.ts';
import { canChangeSettings, settingsScopeOf } from './admin.ts';
import type { SlackMessage } from './messages/mrkdwn.ts';
import { buildErrorNotice } from './messages/notices.ts';
import { SLACK_SURFACE } from './messages/slack-surface.ts';
import { buildConfigModal, buildNotAdminMessage } from './views/config-modal.ts';

export type SettingsModalDeps = {
  credentials: Pick<CredentialStore, 'get'>;
  callbackCredentials: Pick<CallbackCredentials, 'show'>;
  publicUrl: string | undefined;
  logger: Logger;
};

const ROLE_UNKNOWN =
  'Could not check your Slack role just now, so the settings were not opened. Try again in a minute.';

/**
 * The settings modal for this person, or what to tell them instead: only workspace admins and owners
 * (org admins and owners for an org-wide install) get it, checked server-side with users.info on every
 * request (`/orderstatus config`, the App Home's Settings button).
 */
export async function loadSettingsModal(
  deps: SettingsModalDeps,
  request: {
    client: webApi.WebClient;
    userId: string;
    workspaceId: string;
    context: Pick<Context, 'enterpriseId' | 'isEnterpriseInstall'>;
  },
): Promise<{ ok: true; view: ModalView } | { ok: false; message: SlackMessage }> {
  const scope = settingsScopeOf(request.context);
  let admin: boolean;
  let current: Awaited<ReturnType<CredentialStore['get']>>;
  let callbacks: Awaited<ReturnType<CallbackCredentials['show']>>;
  try {
    [admin, current, callbacks] = await Promise.all([
      canChangeSettings(request.client, request.userId, scope),
      deps.credentials.get(request.workspaceId),
      deps.callbackCredentials.show(request.workspaceId),
    ]);
  } catch (error) {
    if (error instanceof StorageError) {
      return { ok: false, message: buildErrorNotice(describeError(error, SLACK_SURFACE)) };
    }
    deps.logger.warn({ err: error }, 'could not check whether the user is an admin');
    return {
      ok: false,
      message: {
        text: ROLE_UNKNOWN,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ROLE_UNKNOWN } }],
      },
    };
  }
  if (!admin) return { ok: false, message: buildNotAdminMessage(scope) };
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
  return { ok: true, view };
}
