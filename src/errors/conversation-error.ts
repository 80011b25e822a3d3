/**
 * A Take it or Resolve click on a customer's message that is not stored in this workspace (another
 * workspace's button, or deleted after the retention period): nothing was changed.
 */
export class ConversationError extends Error {
  override name = 'ConversationError' as const;
  readonly reason = 'not_found' as const;
  readonly action: 'take' | 'resolve';

  constructor(action: 'take' | 'resolve') {
    super(`The customer message to ${action} the conversation of is not stored in this workspace`);
    this.action = action;
  }
}
