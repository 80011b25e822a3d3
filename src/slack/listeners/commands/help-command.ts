import { buildHelpMessage } from '../../messages/help.ts';
import type { SubcommandHandlers } from './orderstatus-command.ts';

/** `/orderstatus help`: the syntax, answered in the ack itself (only the asker sees it). */
export const helpCommand: SubcommandHandlers['help'] = async ({ ack }) => {
  await ack({ response_type: 'ephemeral', ...buildHelpMessage() });
};
