import ky, { isHTTPError, isTimeoutError, type ResponsePromise } from 'ky';
import * as v from 'valibot';
import type { Pod } from '../domain/workspace-settings.ts';
import type { OrderStatusPayload } from './build-payload.ts';
import { KaleyraError } from './kaleyra-error.ts';
import { resolveKaleyraBaseUrl } from './pods.ts';
import {
  KaleyraFailureSchema,
  type KaleyraSuccessBody,
  KaleyraSuccessBodySchema,
  readErrorKey,
} from './response-schema.ts';

export const DEFAULT_KALEYRA_TIMEOUT_MS = 15_000;
// setTimeout's ceiling; ky refuses anything larger.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The sending workspace's Kaleyra account. `businessNumber` is the WhatsApp sender, E.164 with `+`. */
export type KaleyraAccount = { sid: string; apiKey: string; pod: Pod; businessNumber: string };

export type KaleyraClientOptions = {
  /** KALEYRA_BASE_URL: replaces the pod host for every account. */
  baseUrlOverride?: string;
  /** One budget for the whole exchange: connect, answer and body. Default 15 000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
};

export type KaleyraClient = {
  /** Sends once (never retried). Resolves only on `202 WA202`; every other end throws KaleyraError. */
  sendOrderStatus(account: KaleyraAccount, payload: OrderStatusPayload): Promise<{ messageId: string }>;
};

// Node/undici error codes raised before a single byte of the request could leave: DNS, connect, TLS.
// ky's NetworkError says "the network failed", not when; only these codes say "nothing was sent".
const NOTHING_SENT_CODES = new Set([
  'ERR_BAD_PORT',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function createKaleyraClient(options: KaleyraClientOptions = {}): KaleyraClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_KALEYRA_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(
      `Kaleyra timeoutMs must be a positive whole number of milliseconds, got ${timeoutMs}.`,
    );
  }
  const baseUrlOverride = options.baseUrlOverride?.trim() || undefined;
  if (baseUrlOverride !== undefined) assertHttpUrl(baseUrlOverride);

  const http = ky.create({
    // A WhatsApp send is never repeated automatically: the customer must not get the same message twice.
    retry: 0,
    // One budget for the whole exchange: answer, then the body read by `.json()` or into HTTPError.data.
    totalTimeout: timeoutMs,
    // The same value per attempt, so ky's 10 s default cannot cut in first, and a stalled error body is
    // a TimeoutError (ky leaves `data` empty instead when the per-attempt timeout is the tighter one).
    timeout: timeoutMs,
    // Following a redirect would turn the POST into a second request (a GET) to somewhere else; with
    // 'manual' the 3xx is thrown as an HTTPError like any other non-2xx.
    redirect: 'manual',
    ...(options.fetch !== undefined && { fetch: options.fetch }),
  });

  return {
    async sendOrderStatus(account, payload) {
      // Checked here so a bad key fails with a message of ours, not one that quotes the header value.
      if (!/^[\x21-\x7e]+$/.test(account.apiKey)) {
        throw new TypeError('The Kaleyra API key has characters that cannot be sent in an HTTP header.');
      }
      let pending: ResponsePromise;
      try {
        pending = http.post(buildMessagesUrl(account, baseUrlOverride), {
          json: payload,
          headers: { 'api-key': account.apiKey, accept: 'application/json' },
        });
      } catch (error) {
        // ky builds the Request synchronously, before fetch is called: nothing left.
        throw new KaleyraError({ code: 'NETWORK', outcome: 'rejected', cause: errorCodeOf(error) });
      }
      // The status first (only a 202 counts, and a failure while reading the body reports it); ky's
      // `.json()` on the same promise then reads the body within what is left of the budget.
      let status: number;
      try {
        ({ status } = await pending);
      } catch (error) {
        throw toFailure(error, account);
      }
      return readAcceptance(pending, status, account);
    },
  };
}

/** `{base}/v2/{sid}/whatsapp/{businessNumber}/messages`, each segment encoded. */
export function buildMessagesUrl(account: KaleyraAccount, baseUrlOverride?: string): string {
  const base = resolveKaleyraBaseUrl(account.pod, baseUrlOverride);
  return `${base}/v2/${encodeSegment(account.sid)}/whatsapp/${encodeSegment(account.businessNumber)}/messages`;
}

// encodeURIComponent turns `+` into `%2B`; `+` is legal in a path and Kaleyra's sample sends it literally.
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replaceAll('%2B', '+');
}

function assertHttpUrl(value: string): void {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    // The value is not echoed: a proxy URL may carry user:password.
    throw new TypeError('KALEYRA_BASE_URL is not a URL.');
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new TypeError('KALEYRA_BASE_URL must be an http:// or https:// URL.');
  }
}

/** A 2xx arrived: its body (read and validated by ky within the same budget) decides. */
async function readAcceptance(
  pending: ResponsePromise,
  status: number,
  account: KaleyraAccount,
): Promise<{ messageId: string }> {
  let body: KaleyraSuccessBody;
  try {
    body = await pending.json(KaleyraSuccessBodySchema);
  } catch (error) {
    if (isTimeoutError(error)) {
      throw new KaleyraError({ code: 'TIMEOUT', httpStatus: status, outcome: 'unknown' });
    }
    // Not JSON (SyntaxError), not Kaleyra's shape (SchemaValidationError) or a body that broke off.
    throw unreadableAnswer(status, errorCodeOf(error));
  }
  if (status === 202 && body.messageId !== undefined) return { messageId: body.messageId };
  // Kaleyra said "fine" without a message id: the message may or may not be on its way.
  const kaleyraMessage = redact(body.message, account);
  throw new KaleyraError({ code: 'BAD_RESPONSE', httpStatus: status, kaleyraMessage, outcome: 'unknown' });
}

/** What ky threw before a 2xx: a timeout, a non-2xx answer (HTTPError) or a network failure. */
function toFailure(error: unknown, account: KaleyraAccount): KaleyraError {
  if (isTimeoutError(error)) return new KaleyraError({ code: 'TIMEOUT', outcome: 'unknown' });
  if (isHTTPError(error)) return readRefusal(error.response.status, error.data, account);
  const code = errorCodeOf(error);
  const outcome = code !== undefined && NOTHING_SENT_CODES.has(code) ? 'rejected' : 'unknown';
  // Only the bare code travels on: ky's and undici's errors carry the URL (with the SID) and headers.
  return new KaleyraError({ code: 'NETWORK', outcome, cause: code });
}

function readRefusal(status: number, data: unknown, account: KaleyraAccount): KaleyraError {
  // ky parses `data` only under a JSON content type; Kaleyra's code counts whatever type it is sent
  // as (as on the 2xx path, where `.json()` parses regardless).
  const failure = v.safeParse(KaleyraFailureSchema, typeof data === 'string' ? parseJson(data) : data);
  if (!failure.success) return unreadableAnswer(status);
  return new KaleyraError({
    code: failure.output.code,
    httpStatus: status,
    kaleyraMessage: redact(failure.output.message, account),
    errorKey: readErrorKey(failure.output),
    outcome: 'rejected',
  });
}

// A 3xx/4xx means the request was turned away before it was handled; a 5xx (a proxy's error page
// after a timeout, say) or anything odder may have come after Kaleyra sent the message.
function unreadableAnswer(status: number, cause?: string): KaleyraError {
  const outcome = status >= 300 && status < 500 ? 'rejected' : 'unknown';
  return new KaleyraError({ code: 'BAD_RESPONSE', httpStatus: status, outcome, cause });
}

/** The first Node-style `code` (`ECONNREFUSED`, `UND_ERR_SOCKET`…) along the cause chain. */
function errorCodeOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const code: unknown = Reflect.get(current, 'code');
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    // fetch refuses some ports before connecting and says so only in words.
    if (Reflect.get(current, 'message') === 'bad port') return 'ERR_BAD_PORT';
    // Happy-eyeballs connects fail with an AggregateError whose members hold the codes.
    const members: unknown = Reflect.get(current, 'errors');
    if (Array.isArray(members) && members.length > 0) {
      const inner = errorCodeOf(members[0]);
      if (inner !== undefined) return inner;
    }
    current = Reflect.get(current, 'cause');
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// Kaleyra's message is shown to people and logged; make sure it can never echo the account's secrets.
function redact(message: string | undefined, account: KaleyraAccount): string | undefined {
  if (message === undefined) return undefined;
  let out = message;
  for (const secret of [account.apiKey, account.sid]) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
