/** Codes for failures where Kaleyra gave no code of its own. */
export type TransportCode = 'TIMEOUT' | 'NETWORK' | 'BAD_RESPONSE';

/**
 * A send that did not end in `202 WA202`.
 * `outcome` says whether the customer may have received the message: `rejected` means Kaleyra
 * definitely did not send it; `unknown` means it may have (a timeout, a reset after the request
 * went out, an unreadable answer).
 */
export class KaleyraError extends Error {
  override name = 'KaleyraError' as const;
  /** HTTP status, when an answer arrived. */
  readonly httpStatus: number | undefined;
  /** Kaleyra's `code` (`RBC001`, `WA401`, `WA-401`…) or a TransportCode. */
  readonly code: string;
  /** Kaleyra's own `message`, when it gave one (safe to show: it carries no secret). */
  readonly kaleyraMessage: string | undefined;
  /** The first key of Kaleyra's `error` object (`account`, `phone_number`, `balance`…): tells WA-401s apart. */
  readonly errorKey: string | undefined;
  readonly outcome: 'rejected' | 'unknown';
  /** The host the request went to (`api.in.kaleyra.io`, or KALEYRA_BASE_URL's), when the network failed. */
  readonly host: string | undefined;
  /** The order status the refused payload carried, as spelled on the wire (order-status sends only). */
  readonly sentStatus: string | undefined;

  constructor(fields: {
    code: string;
    httpStatus?: number | undefined;
    kaleyraMessage?: string | undefined;
    errorKey?: string | undefined;
    outcome: 'rejected' | 'unknown';
    sentStatus?: string | undefined;
    cause?: unknown;
    host?: string | undefined;
  }) {
    super(`Kaleyra send failed: ${fields.code}${fields.httpStatus ? ` (HTTP ${fields.httpStatus})` : ''}`, {
      cause: fields.cause,
    });
    this.code = fields.code;
    this.httpStatus = fields.httpStatus;
    this.kaleyraMessage = fields.kaleyraMessage;
    this.errorKey = fields.errorKey;
    this.outcome = fields.outcome;
    this.host = fields.host;
    this.sentStatus = fields.sentStatus;
  }
}

/**
 * What the journal keeps of a network failure beside its code: the system's error code and the host,
 * as `ECONNREFUSED api.in.kaleyra.io` (read back by networkFailureOf). Nothing for other failures.
 */
export function networkDetailOf(error: KaleyraError): string | undefined {
  if (error.code !== 'NETWORK') return undefined;
  const cause = typeof error.cause === 'string' ? error.cause : 'UNKNOWN';
  return error.host ? `${cause} ${error.host}` : cause;
}

/** A stored network detail, read back: the system's error code and the host (when known). */
export function networkFailureOf(detail: string): { cause: string; host: string | undefined } {
  const [cause = 'UNKNOWN', host] = detail.split(' ', 2);
  return { cause, host };
}
