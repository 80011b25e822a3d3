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
  /**
   * A step an admin takes with a command of its own, e.g. `commandStep('lift the opt-out',
   * { slack: 'optout remove +91…', cli: 'optout remove --team T --to +91…' })`: in Slack "Ask a
   * workspace admin to lift the opt-out with `/orderstatus optout remove +91…`."; in a terminal the
   * CLI command to run.
   */
  commandStep(action: string, command: { slack: string; cli: string }): string;
  time(iso: string): string;
  actor(by: string): string;
  /** A code or id shown as it is (`WA401`, a message_id). */
  literal(text: string): string;
  /** Text that came from outside (Kaleyra's own words), made inert for this surface. */
  text(untrusted: string): string;
  /**
   * What the reader asked for: a `send` (a failure then says whether the update went out) or `other`
   * (reading or changing settings, a check: "nothing was sent" would be beside the point).
   */
  attempt: 'send' | 'other';
  /**
   * The step for a failure only whoever runs orderstatus can fix (its database, its setup): an agent is
   * told to pass it on; the operator at a terminal gets `cause` (the technical reason) and `check`.
   */
  operatorStep(check: string, cause: string): string;
};

/** For a Surface whose reader cannot fix orderstatus itself (a Slack agent). */
export const PASS_IT_ON = (): string =>
  'Try again in a minute; if it keeps failing, tell whoever runs orderstatus.';

/** Plain text with no markup: logs, tests, anything that only needs the words. */
export const PLAIN_SURFACE: Surface = {
  workspace: (workspaceId) => `Workspace ${workspaceId}`,
  adminStep: (action) => `Ask whoever manages the Kaleyra settings to ${action}.`,
  commandStep: (action) => `Ask whoever manages orderstatus to ${action}.`,
  time: (iso) => iso,
  actor: (by) => (by === 'cli' ? 'the CLI' : by),
  literal: (text) => text,
  text: (untrusted) => untrusted,
  attempt: 'send',
  operatorStep: PASS_IT_ON,
};
