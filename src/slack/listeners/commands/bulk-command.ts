import { SLASH_COMMAND } from '../../ids.ts';
import { buildBulkModal } from '../../views/bulk-views.ts';
import { commandOpener, type ModalDeps, openModalOrTell } from './open-modal.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/** `/orderstatus bulk`: the modal to upload a CSV file of updates (the trigger_id lives 3 s: open at once). */
export function createBulkCommand(deps: ModalDeps): SubcommandHandlers['bulk'] {
  return async (args) => {
    await args.ack();
    await openModalOrTell(
      deps,
      commandOpener(args),
      { what: 'the bulk form', again: `\`${SLASH_COMMAND} bulk\`` },
      buildBulkModal({ channelId: args.command.channel_id }),
    );
  };
}
