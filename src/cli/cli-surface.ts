import type { Surface } from '../describe/surface.ts';

/** Descriptions as a terminal shows them: plain text, the settings step as the command to run. */
export function cliSurface(team?: string): Surface {
  return {
    workspace: (workspaceId) => `Workspace ${workspaceId}`,
    adminStep: (action, workspaceId) =>
      `${action.charAt(0).toUpperCase()}${action.slice(1)} with: orderstatus credentials set --team ${workspaceId ?? team ?? 'T…'} --sid … --api-key - --pod … --business-number …`,
    time: (iso) => iso,
    actor: (by) => (by === 'cli' ? 'the CLI' : by),
    literal: (text) => text,
    text: (untrusted) => untrusted,
  };
}
