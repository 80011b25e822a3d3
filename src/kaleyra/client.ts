import ky, { isTimeoutError } from 'ky';
import * as v from 'valibot';
import type { Pod } from '../domain/workspace-settings.ts';
import type { OrderStatusPayload } from './build-payload.ts';
import { KaleyraError } from './kaleyra-error.ts';
import { resolveKaleyraBaseUrl } from './pods.ts';
import { KaleyraAcceptedSchema, KaleyraFailureSchema, readErrorKey } from './response-schema.ts';

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
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const http = ky.create({
    // A WhatsApp send is never repeated automatically: the customer must not get the same message twice.
    retry: 0,
    // Kaleyra's error bodies carry the code; read them rather than letting ky throw.
    throwHttpErrors: false,
    timeout: timeoutMs,
    // Following a redirect would turn the POST into a second request (a GET) to somewhere else.
    redirect: 'manual',
  });

  return {
    async sendOrderStatus(account, payload) {
      // Checked here so a bad key fails with a message of ours, not one that quotes the header value.
      if (!/^[\x21-\x7e]+$/.test(account.apiKey)) {
        throw new TypeError('The Kaleyra API key has characters that cannot be sent in an HTTP header.');
      }
      const url = buildMessagesUrl(account, baseUrlOverride);
      // ky's timeout stops at the response headers; this one bounds the whole exchange, body included.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), timeoutMs);
      let fetchStarted = false;
      try {
        let response: Response;
        try {
          response = await http.post(url, {
            json: payload,
            headers: {
              'api-key': account.apiKey,
              'content-type': 'application/json',
              accept: 'application/json',
            },
            signal: deadline.signal,
            fetch: (input, init) => {
              fetchStarted = true;
              return baseFetch(input, init);
            },
          });
        } catch (error) {
          throw toTransportError(error, deadline.signal, fetchStarted);
        }

        let text: string;
        try {
          text = await readTextUntil(response, deadline.signal);
        } catch (error) {
          if (deadline.signal.aborted || isTimeoutError(error)) {
            throw new KaleyraError({ code: 'TIMEOUT', httpStatus: response.status, outcome: 'unknown' });
          }
          // The status arrived but the body broke off: an answer we cannot read.
          throw unreadableAnswer(response.status, errorCodeOf(error));
        }
        return interpretAnswer(response.status, text, account);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

// Races each chunk against the deadline ourselves: an aborted signal does not reliably reach a body
// that is already being read, and a stalled body must not hold the send open.
async function readTextUntil(response: Response, signal: AbortSignal): Promise<string> {
  const body = response.body;
  if (body === null) return '';
  const reader = body.getReader();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), aborted]);
      if (chunk.done) return text + decoder.decode();
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
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

function interpretAnswer(status: number, text: string, account: KaleyraAccount): { messageId: string } {
  const body = parseJson(text);
  const failure = v.safeParse(KaleyraFailureSchema, body);
  const kaleyraMessage = failure.success ? redact(failure.output.message, account) : undefined;

  if (status >= 200 && status < 300) {
    const accepted = v.safeParse(KaleyraAcceptedSchema, body);
    if (status === 202 && accepted.success) return { messageId: accepted.output.data.message_id };
    // Kaleyra said "fine" without a message id: the message may or may not be on its way.
    throw new KaleyraError({ code: 'BAD_RESPONSE', httpStatus: status, kaleyraMessage, outcome: 'unknown' });
  }
  if (failure.success) {
    throw new KaleyraError({
      code: failure.output.code,
      httpStatus: status,
      kaleyraMessage,
      errorKey: readErrorKey(failure.output),
      outcome: 'rejected',
    });
  }
  throw unreadableAnswer(status);
}

// A 3xx/4xx means the request was turned away before it was handled; a 5xx (a proxy's error page
// after a timeout, say) or anything odder may have come after Kaleyra sent the message.
function unreadableAnswer(status: number, cause?: string): KaleyraError {
  const outcome = status >= 300 && status < 500 ? 'rejected' : 'unknown';
  return new KaleyraError({ code: 'BAD_RESPONSE', httpStatus: status, outcome, cause });
}

function toTransportError(error: unknown, deadline: AbortSignal, fetchStarted: boolean): KaleyraError {
  if (deadline.aborted || isTimeoutError(error)) {
    return new KaleyraError({ code: 'TIMEOUT', outcome: 'unknown' });
  }
  const code = errorCodeOf(error);
  const nothingSent = !fetchStarted || (code !== undefined && NOTHING_SENT_CODES.has(code));
  // Only the bare code travels on: ky's and undici's errors carry the URL (with the SID) and headers.
  return new KaleyraError({ code: 'NETWORK', outcome: nothingSent ? 'rejected' : 'unknown', cause: code });
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
