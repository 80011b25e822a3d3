/**
 * Socket Mode could not open its connection to Slack in time: the address it asked (Slack's
 * `apps.connections.open`), the last network error's code, how long it kept trying.
 */
export class SlackUnreachableError extends Error {
  override name = 'SlackUnreachableError' as const;
  readonly address: string;
  readonly code: string | undefined;
  readonly waitedMs: number;

  constructor(address: string, code: string | undefined, waitedMs: number) {
    super(`Socket Mode could not reach Slack at ${address}${code ? ` (${code})` : ''}`);
    this.address = address;
    this.code = code;
    this.waitedMs = waitedMs;
  }
}
