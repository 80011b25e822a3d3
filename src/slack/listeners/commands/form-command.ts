import type { ModalView } from '@slack/types';
import { describeError } from '../../../describe/describe-error.ts';
import { DEFAULT_LANGUAGE_CODE, DEFAULT_TEMPLATE_NAME } from '../../../domain/workspace-settings.ts';
import { NotConfiguredError } from '../../../errors/not-configured-error.ts';
import { StorageError } from '../../../errors/storage-error.ts';
import type { CredentialStore } from '../../../storage/credential-store.ts';
import { SLASH_COMMAND } from '../../ids.ts';
import { buildErrorNotice } from '../../messages/notices.ts';
import { SLACK_SURFACE } from '../../messages/slack-surface.ts';
import { buildNoticeView } from '../../views/notice-view.ts';
import { buildSendModal } from '../../views/send-modal.ts';
import { type ModalDeps, openModalOrTell, replaceModal } from './open-modal.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

type Defaults = { templateName: string; languageCode: string };
const BUILT_IN: Defaults = { templateName: DEFAULT_TEMPLATE_NAME, languageCode: DEFAULT_LANGUAGE_CODE };
const TITLE = 'Order status update';

/**
 * `/orderstatus` alone, or an incomplete line: the send modal. The trigger_id lives 3 s, so the modal
 * opens first with the built-in defaults, then shows the workspace's (or why it cannot be used).
 */
export function createFormCommand(
  deps: ModalDeps & { credentials: Pick<CredentialStore, 'get'> },
): SubcommandHandlers['modal'] {
  return async (args, parsed, workspaceId) => {
    await args.ack();
    const modal = (defaults: Defaults) =>
      buildSendModal({
        fields: parsed.fields,
        defaults,
        channelId: args.command.channel_id,
        responseUrl: args.command.response_url,
        issues: parsed.issues,
      });
    const opened = await openModalOrTell(
      deps,
      args,
      { what: 'the form', again: SLASH_COMMAND },
      modal(BUILT_IN),
    );
    if (!opened) return;
    const next = await workspaceView(deps.credentials, workspaceId, modal);
    if (next) await replaceModal(args.client, opened, next);
  };
}

/** What the modal should show for this workspace, or undefined when the built-in defaults are its own. */
async function workspaceView(
  credentials: Pick<CredentialStore, 'get'>,
  workspaceId: string,
  modal: (defaults: Defaults) => ModalView,
): Promise<ModalView | undefined> {
  let current: Awaited<ReturnType<CredentialStore['get']>>;
  try {
    current = await credentials.get(workspaceId);
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    return buildNoticeView(TITLE, buildErrorNotice(describeError(error, SLACK_SURFACE)));
  }
  if (!current) {
    const notConfigured = describeError(new NotConfiguredError(workspaceId), SLACK_SURFACE);
    return buildNoticeView(TITLE, buildErrorNotice(notConfigured));
  }
  const { templateName, languageCode } = current;
  if (templateName === BUILT_IN.templateName && languageCode === BUILT_IN.languageCode) return undefined;
  return modal({ templateName, languageCode });
}
