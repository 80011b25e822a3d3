/** The same update (workspace + customer + reference + status) went out, or may have, in the last 10 minutes. */
export class DuplicateSendError extends Error {
  override name = 'DuplicateSendError' as const;
  readonly previous: PreviousSend;

  constructor(previous: PreviousSend) {
    super(
      `The same ${previous.what ?? 'update'} was already ${previous.state === 'sent' ? 'sent' : 'attempted'} at ${previous.at}`,
    );
    this.previous = previous;
  }
}

export type PreviousSend = {
  /** `sent`: Kaleyra accepted it; `in_flight`: still being sent; `unknown`: timed out, may have been delivered. */
  state: 'sent' | 'in_flight' | 'unknown';
  /** ISO time the earlier attempt started. */
  at: string;
  /** Slack user id, or `cli`. */
  by: string;
  messageId?: string;
  /** An order-status update (the default), or an agent's reply (the same words to the same customer). */
  what?: 'update' | 'reply';
};
