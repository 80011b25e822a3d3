import type { Surface } from '../describe/surface.ts';

/**
 * Descriptions as a terminal shows them: plain text, the settings step as the command to run, and,
 * since whoever runs the CLI runs orderstatus, the technical cause of a failure of its own setup.
 */
export function cliSurface(options: { team?: string | undefined; sends?: boolean } = {}): Surface {
  const { team } = options;
  return {
    workspace: (workspaceId) => `Workspace ${workspaceId}`,
    adminStep: (action, workspaceId) =>
      `${action.charAt(0).toUpperCase()}${action.slice(1)} with: orderstatus credentials set --team ${workspaceId ?? team ?? 'T…'} --sid … --api-key - --pod … --business-number …`,
    commandStep: (action, command) =>
      `${action.charAt(0).toUpperCase()}${action.slice(1)} with: orderstatus ${command.cli}`,
    time: (iso) => iso,
    actor: (by) => (by === 'cli' ? 'the CLI' : by),
    literal: (text) => text,
    text: (untrusted) => untrusted,
    attempt: options.sends === true ? 'send' : 'other',
    operatorStep: (check, cause) => `${cause.trim().replace(/([^.])$/, '$1.')} ${check}`,
  };
}
