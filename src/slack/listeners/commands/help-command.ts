import { buildHelpMessage } from '../../messages/help.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/** `/orderstatus help`: the syntax and the workspace's id, answered in the ack itself (only the asker sees it). */
export const helpCommand: SubcommandHandlers['help'] = async ({ ack }, _parsed, workspaceId) => {
  await ack({ response_type: 'ephemeral', ...buildHelpMessage(workspaceId) });
};
