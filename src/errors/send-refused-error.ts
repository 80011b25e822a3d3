/**
 * Why the consent and quality guard refused a send before anything reached Kaleyra:
 * - `opted_out`: the customer asked this business number to stop (STOP, or an admin);
 * - `template_paused`: Meta paused, disabled, rejected or is deleting the template;
 * - `number_flagged`: the business number's quality is flagged (bulk sends only);
 * - `window_closed`: a session text more than 24 hours after the customer's last message (or with none).
 */
export type RefusalReason = 'opted_out' | 'template_paused' | 'number_flagged' | 'window_closed';

/** What the description of a refusal names; each reason uses its own fields. */
export type RefusalDetails = {
  /** opted_out: who opted the number out (`customer`, an admin's user id, `cli`) and when (ISO). */
  by?: string;
  since?: string;
  /** opted_out: the keyword or the admin's reason. */
  why?: string;
  /** template_paused: the template, its language, Meta's event word and its reason. */
  templateName?: string;
  languageCode?: string;
  event?: string;
  metaReason?: string;
  /** number_flagged: the business number, its messaging limit (and `event`: FLAGGED or DOWNGRADE). */
  businessNumber?: string;
  currentLimit?: string;
  /** window_closed: when the customer last wrote (ISO), when there was such a message. */
  lastMessageAt?: string;
};

/** A send the guard stopped: nothing was journaled as sent, nothing went to Kaleyra. */
export class SendRefusedError extends Error {
  override name = 'SendRefusedError' as const;
  readonly reason: RefusalReason;
  readonly details: RefusalDetails;
  /** The code every surface shows (`OPTED_OUT`…), and the journal's when a refusal came after the claim. */
  readonly code: Uppercase<RefusalReason>;

  constructor(reason: RefusalReason, details: RefusalDetails = {}) {
    super(`The send was refused before Kaleyra: ${reason}`);
    this.reason = reason;
    this.details = details;
    this.code = reason.toUpperCase() as Uppercase<RefusalReason>;
  }
}
