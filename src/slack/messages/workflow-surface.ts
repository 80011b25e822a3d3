import { PASS_IT_ON, type Surface } from '../../describe/surface.ts';
import { SLASH_COMMAND } from '../ids.ts';

/**
 * Descriptions as a Workflow Builder step's error shows them (functions.completeError): plain text,
 * no mrkdwn or mentions, the settings step as the slash command to run.
 */
export const WORKFLOW_SURFACE: Surface = {
  workspace: () => 'This workspace',
  adminStep: (action) => `Ask a workspace admin to ${action} with ${SLASH_COMMAND} config.`,
  commandStep: (action, command) =>
    `Ask a workspace admin to ${action} with ${SLASH_COMMAND} ${command.slack}.`,
  time: (iso) => {
    const millis = Date.parse(iso);
    return Number.isFinite(millis)
      ? `${new Date(millis).toISOString().slice(0, 16).replace('T', ' ')} UTC`
      : iso;
  },
  actor: (by) => (by === 'cli' ? 'the CLI' : by === 'workflow' ? 'a workflow' : by),
  literal: (text) => text,
  text: (untrusted) => untrusted,
  attempt: 'send',
  operatorStep: PASS_IT_ON,
};
