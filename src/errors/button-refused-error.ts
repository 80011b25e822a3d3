/**
 * A Retry / "Send again anyway" button that may not be used: already used once (each is single-use,
 * so a replayed click cannot send again), older than its 24 hours, or not made in this workspace (or
 * altered, or made by an older release).
 */
export class ButtonRefusedError extends Error {
  override name = 'ButtonRefusedError' as const;
  readonly reason: 'used' | 'expired' | 'elsewhere';

  constructor(reason: 'used' | 'expired' | 'elsewhere') {
    super(`The button was refused (${reason})`);
    this.reason = reason;
  }
}
