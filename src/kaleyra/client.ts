import type { KyInstance } from 'ky';
import * as v from 'valibot';
import type { Pod } from '../domain/workspace-settings.ts';
import { errorCodeOf } from '../errors/error-code.ts';
import { type KaleyraPayload, wireStatusOf } from './build-payload.ts';
import {
  type Answer,
  checkTimeout,
  createKaleyraHttp,
  DEFAULT_KALEYRA_TIMEOUT_MS,
  exchange,
  OutOfTimeError,
} from './http.ts';
import { KaleyraError } from './kaleyra-error.ts';
import { resolveKaleyraBaseUrl } from './pods.ts';
import { KaleyraFailureSchema, KaleyraSuccessBodySchema, readErrorKey } from './response-schema.ts';

/** The sending workspace's Kaleyra account. `businessNumber` is the WhatsApp sender, E.164 with `+`. */
export type KaleyraAccount = { sid: string; apiKey: string; pod: Pod; businessNumber: string };

export type KaleyraClientOptions = {
  /** KALEYRA_BASE_URL: replaces the pod host for every account. */
  baseUrlOverride?: string;
  /** One budget for the whole exchange: connect, answer and body. Default 15 000. */
  timeoutMs?: number;
  /** The ky instance shared with the templates client (http.ts); made here (with `fetch`) when absent. */
  http?: KyInstance;
  fetch?: typeof fetch;
};

export type KaleyraClient = {
  /**
   * Sends one message (an order-status template or a session text) once, never retried. Resolves only
   * on `202 WA202`; every other end throws KaleyraError.
   */
  sendMessage(account: KaleyraAccount, payload: KaleyraPayload): Promise<{ messageId: string }>;
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
  const timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_KALEYRA_TIMEOUT_MS);
  const http = options.http ?? createKaleyraHttp(options.fetch !== undefined ? { fetch: options.fetch } : {});
  const baseUrlOverride = options.baseUrlOverride?.trim() || undefined;
  if (baseUrlOverride !== undefined) assertHttpUrl(baseUrlOverride);

  return {
    async sendMessage(account, payload) {
      // Checked here so a bad key fails with a message of ours, not one that quotes the header value.
      if (!/^[\x21-\x7e]+$/.test(account.apiKey)) {
        throw new TypeError('The Kaleyra API key has characters that cannot be sent in an HTTP header.');
      }
      const url = buildMessagesUrl(account, baseUrlOverride);
      // No request can be made (a pod this version does not know, read from storage): nothing left.
      if (!URL.canParse(url))
        throw new KaleyraError({ code: 'NETWORK', outcome: 'rejected', cause: 'ERR_INVALID_URL' });
      // Only the host: a KALEYRA_BASE_URL may carry user:password, and the path the SID.
      const { host } = new URL(url);
      let answer: Answer;
      try {
        answer = await exchange(
          http,
          url,
          {
            method: 'post',
            json: payload,
            headers: { 'api-key': account.apiKey, accept: 'application/json' },
          },
          timeoutMs,
        );
      } catch (error) {
        throw toFailure(error, host);
      }
      // Only a 2xx is read as an acceptance (and only a 202 with a message id counts); anything else,
      // a redirect included, is a refusal.
      if (!answer.ok) throw readRefusal(answer.status, answer.text, account, wireStatusOf(payload));
      return readAcceptance(answer, account);
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

/** A 2xx arrived with its body (read within the same budget): the body decides. */
function readAcceptance(answer: Answer, account: KaleyraAccount): { messageId: string } {
  const { status, text } = answer;
  // Not read (too long, or broken off), not JSON, or not Kaleyra's shape.
  const parsed = text === undefined ? undefined : v.safeParse(KaleyraSuccessBodySchema, parseJson(text));
  if (!parsed?.success) throw unreadableAnswer(status, errorCodeOf(answer.bodyError));
  const body = parsed.output;
  if (status === 202 && body.messageId !== undefined) return { messageId: body.messageId };
  // Kaleyra said "fine" without a message id: the message may or may not be on its way.
  const kaleyraMessage = redact(body.message, account);
  throw new KaleyraError({ code: 'BAD_RESPONSE', httpStatus: status, kaleyraMessage, outcome: 'unknown' });
}

/**
 * No answer to read: the budget ran out (before or while reading it), or the request failed (ky's
 * NetworkError, or whatever a given fetch threw).
 */
function toFailure(error: unknown, host: string): KaleyraError {
  if (error instanceof OutOfTimeError) {
    // Out of time while reading a 2xx body: the status is known. Before any status, or while reading
    // an error's body, it is not one to report.
    const { status } = error;
    const httpStatus = status !== undefined && status < 300 ? status : undefined;
    return new KaleyraError({ code: 'TIMEOUT', outcome: 'unknown', ...(httpStatus ? { httpStatus } : {}) });
  }
  const code = errorCodeOf(error);
  const outcome = code !== undefined && NOTHING_SENT_CODES.has(code) ? 'rejected' : 'unknown';
  // Only the bare code travels on: ky's and undici's errors carry the URL (with the SID) and headers.
  return new KaleyraError({ code: 'NETWORK', outcome, cause: code, host });
}

function readRefusal(
  status: number,
  text: string | undefined,
  account: KaleyraAccount,
  sentStatus: string | undefined,
): KaleyraError {
  // Kaleyra's code counts whatever content type it is sent as (as on the 2xx path).
  const failure = v.safeParse(KaleyraFailureSchema, text === undefined ? undefined : parseJson(text));
  if (!failure.success) return unreadableAnswer(status);
  return new KaleyraError({
    code: failure.output.code,
    httpStatus: status,
    kaleyraMessage: redact(failure.output.message, account),
    errorKey: readErrorKey(failure.output),
    outcome: 'rejected',
    sentStatus,
  });
}

// A 3xx/4xx means the request was turned away before it was handled; a 5xx (a proxy's error page
// after a timeout, say) or anything odder may have come after Kaleyra sent the message.
function unreadableAnswer(status: number, cause?: string): KaleyraError {
  const outcome = status >= 300 && status < 500 ? 'rejected' : 'unknown';
  return new KaleyraError({ code: 'BAD_RESPONSE', httpStatus: status, outcome, cause });
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
