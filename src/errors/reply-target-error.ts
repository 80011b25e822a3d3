/**
 * The customer's message a reply answers cannot be used: not stored in this workspace (another
 * workspace's button, or deleted after the retention period), or its sealed number no longer opens
 * (ENCRYPTION_KEY changed without the old key kept). Nothing was sent.
 */
export class ReplyTargetError extends Error {
  override name = 'ReplyTargetError' as const;
  readonly reason: 'not_found' | 'unreadable';

  constructor(reason: 'not_found' | 'unreadable') {
    super(
      reason === 'not_found'
        ? 'The customer message is not stored in this workspace'
        : 'The customer number of the message could not be unsealed',
    );
    this.reason = reason;
  }
}
