import { SLASH_COMMAND } from '../../ids.ts';
import { openSendForm, type SendFormDeps } from '../../send-form.ts';
import { commandOpener } from './open-modal.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/** `/orderstatus` alone, or an incomplete line: the send form, prefilled with what the line contained. */
export function createFormCommand(deps: SendFormDeps): SubcommandHandlers['modal'] {
  return async (args, parsed, workspaceId) => {
    await args.ack();
    await openSendForm(deps, {
      opener: commandOpener(args),
      workspaceId,
      again: `\`${SLASH_COMMAND}\``,
      fields: () => parsed.fields,
      issues: parsed.issues,
      channelId: args.command.channel_id,
      responseUrl: args.command.response_url,
    });
  };
}
