/**
 * Seals text that must leave the service (a Slack button value) so only this deployment can read it
 * back, only for the same purpose and only in the same workspace: a value sealed for one purpose or
 * workspace does not open for another.
 */
export type Sealer = {
  seal(text: string, binding: SealBinding): string;
  /** The text, or undefined when the value was not sealed by us for this binding (or was altered). */
  open(sealed: string, binding: SealBinding): string | undefined;
};

/** What a sealed value is bound to (its AAD): what it is for, and the workspace it was made in. */
export type SealBinding = { purpose: string; workspaceId: string };
