/**
 * Where a description is read. Each edge (Slack, the CLI, a workflow step) supplies one, so the same
 * sentence is written once and reads right on every surface: the settings command an admin runs,
 * how a time or a person is shown, and how text from outside is made inert.
 */
export type Surface = {
  /** "This workspace" in Slack; the team id in a terminal. */
  workspace(workspaceId: string): string;
  /**
   * A step only a settings admin can take, e.g. `adminStep('correct the business number')`:
   * "Ask a workspace admin to correct the business number with `/orderstatus config`."
   */
  adminStep(action: string, workspaceId?: string): string;
  time(iso: string): string;
  actor(by: string): string;
  /** A code or id shown as it is (`WA401`, a message_id). */
  literal(text: string): string;
  /** Text that came from outside (Kaleyra's own words), made inert for this surface. */
  text(untrusted: string): string;
};

/** Plain text with no markup: logs, tests, anything that only needs the words. */
export const PLAIN_SURFACE: Surface = {
  workspace: (workspaceId) => `Workspace ${workspaceId}`,
  adminStep: (action) => `Ask whoever manages the Kaleyra settings to ${action}.`,
  time: (iso) => iso,
  actor: (by) => (by === 'cli' ? 'the CLI' : by),
  literal: (text) => text,
  text: (untrusted) => untrusted,
};
