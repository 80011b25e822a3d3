import { SLASH_COMMAND } from '../../ids.ts';
import { loadSettingsModal, type SettingsModalDeps } from '../../settings-modal.ts';
import { commandOpener, type ModalDeps, openModalOrTell } from './open-modal.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/**
 * `/orderstatus config`: the settings modal, for workspace admins and owners only (org admins and
 * owners for an org-wide install), checked server-side.
 */
export function createConfigCommand(deps: ModalDeps & SettingsModalDeps): SubcommandHandlers['config'] {
  return async (args, _parsed, workspaceId) => {
    const { ack, respond, client, command, context } = args;
    await ack();
    const loaded = await loadSettingsModal(deps, { client, userId: command.user_id, workspaceId, context });
    if (!loaded.ok) {
      await respond({ response_type: 'ephemeral', ...loaded.message });
      return;
    }
    const again = `\`${SLASH_COMMAND} config\``;
    await openModalOrTell(deps, commandOpener(args), { what: 'the settings', again }, loaded.view);
  };
}
