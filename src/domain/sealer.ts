/**
 * Seals text that must leave the service (a Slack button value) so only this deployment can read it
 * back, and only for the same purpose: a value sealed for one purpose does not open for another.
 */
export type Sealer = {
  seal(text: string, purpose: string): string;
  /** The text, or undefined when the value was not sealed by us for this purpose (or was altered). */
  open(sealed: string, purpose: string): string | undefined;
};
