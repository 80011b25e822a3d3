import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OrderStatusPayload } from '../../src/kaleyra/build-payload.ts';
import { type KaleyraRefusal, kaleyraRefusal } from './kaleyra-refusals.ts';

/** One request as the fake received it. */
export type RecordedKaleyraRequest = {
  method: string;
  /** Path and query exactly as sent, e.g. `/v2/HX…/whatsapp/+919876543210/messages`. */
  path: string;
  /** Lower-cased names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  body: unknown;
  rawBody: string;
  /** Set when the fake refused it as Kaleyra documents (whatever the responder says): see kaleyra-refusals.ts. */
  refusal?: KaleyraRefusal;
};

/**
 * What the fake does with a request.
 * - `{ status, body }`: answers with `body` verbatim (JSON content type unless `headers` says otherwise),
 *   after `delayMs` if given.
 * - `{ hang: true }`: never answers (timeout tests).
 * - `{ destroy: true }`: reads the whole request, then destroys the socket (a reset after sending).
 */
export type CannedKaleyraResponse =
  | { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { destroy: true };

export type KaleyraResponder =
  | CannedKaleyraResponse
  | ((request: RecordedKaleyraRequest) => CannedKaleyraResponse | Promise<CannedKaleyraResponse>);

export type FakeKaleyra = {
  /** `http://127.0.0.1:<port>`: pass as KALEYRA_BASE_URL / `baseUrlOverride`. */
  url: string;
  /** Every request received, oldest first. */
  requests: RecordedKaleyraRequest[];
  /** Answer every later request this way (until changed). */
  respondWith(responder: KaleyraResponder): void;
  /** Forget recorded requests and go back to the default answer. */
  reset(): void;
  close(): Promise<void>;
};

/** Kaleyra's documented answers, bodies copied verbatim from the API reference. */
export const KALEYRA_RESPONSES = {
  // The reference's sample lacks two commas; this is the same body made valid JSON.
  wa202: {
    status: 202,
    body: `{
"code":"WA202",
"message":"Request Accepted",
"data":{
"message_id":"AXXXXXXXXXXXXXXXXXXX"
},
"error":{}
}`,
  },
  rbc001: {
    status: 401,
    body: `{
"code": "RBC001",
"message": "Incorrect SID or API key.",
"data": [],
"error": {
"error": "Incorrect SID or API key."
}
}`,
  },
  wa401: {
    status: 401,
    body: `{
"code": "WA401",
"message": "Phone number is not present or does not belong to the account.",
"data": {},
"error": {
"phone_number": "Phone number is not present or does not belong to the account."
}
}`,
  },
  wa400: {
    status: 400,
    body: `{
"code": "WA400",
"message": "Refer to correct payload format",
"data": {},
"error": {
"payload": "Incorrect payload format"
}
}`,
  },
  wa500: {
    status: 500,
    body: `{
"code": "WA500",
"message": "Please try again later",
"data": {},
"error": {
"error": "Internal server error"
}
}`,
  },
  e110: {
    status: 400,
    body: `{
"code": "E110",
"message": "Please check your balance, You have a low balance!",
"data": {},
"error": {
"balance": "Please check your balance, You have a low balance!"
}
}`,
  },
  /** WA-401, `error.account`: the account's plan does not include this API. */
  waDash401Account: {
    status: 401,
    body: `{
"code": "WA-401",
"message": "API is not available for given customer.Please contact support for more info",
"data": {},
"error": {
"account": "API is not available for given customer.Please contact support for more info"
}
}`,
  },
  /** WA-401, `error.phone_number`: the number is on another version of Kaleyra's WhatsApp API. */
  waDash401Version: {
    status: 401,
    body: `{
"code": "WA-401",
"message": "The phone number you're using is associated with different Version of our WA API. Please use the appropriate endpoint.",
"data": {},
"error": {
"phone_number": "The phone number you're using is associated with different Version of our WA API. Please use the appropriate endpoint."
}
}`,
  },
  /** NOT in the reference: an illustrative daily-limit answer in Kaleyra's usual shape. */
  wav2101: {
    status: 429,
    body: `{
"code": "WAV2101",
"message": "Daily messaging limit reached for this business number.",
"data": {},
"error": {
"limit": "Daily messaging limit reached for this business number."
}
}`,
  },
} as const satisfies Record<string, { status: number; body: string }>;

/** A 202 WA202 carrying `messageId`, for tests that look for that id in what the agent is told. */
export function acceptedAs(messageId: string): { status: 202; body: string } {
  return { status: 202, body: JSON.stringify({ code: 'WA202', data: { message_id: messageId }, error: {} }) };
}

/** The default answer: Kaleyra's 202 WA202 with a fresh message_id, after `delayMs` if given (a slow Kaleyra). */
export function acceptedWithFreshId(delayMs?: number): CannedKaleyraResponse {
  const messageId = `A${randomBytes(10).toString('hex').toUpperCase().slice(0, 19)}`;
  return {
    status: 202,
    body: JSON.stringify({
      code: 'WA202',
      message: 'Request Accepted',
      data: { message_id: messageId },
      error: {},
    }),
    ...(delayMs !== undefined && delayMs > 0 ? { delayMs } : {}),
  };
}

const accepted = () => acceptedWithFreshId();

/** The order reference a recorded send carries, or undefined when its body is not an order-status payload. */
export function referenceIdOf(request: RecordedKaleyraRequest): string | undefined {
  const payload = request.body as Partial<OrderStatusPayload> | undefined;
  return payload?.messaging_object?.template?.components?.[0]?.parameters?.[0]?.order_status?.reference_id;
}

/**
 * What is wrong with a session-text send, measured against the shared document's body
 * (kaleyra-whatsapp-incoming-and-events.md, "Replying: a session text message"): exactly its keys, its
 * fixed values, `text.body` of 1 to 4,096 characters, the same endpoint and headers as the template send.
 * An empty list: the body is the document's.
 */
export function sessionTextIssues(request: RecordedKaleyraRequest): string[] {
  const issues: string[] = [];
  const keys = (value: unknown) =>
    typeof value === 'object' && value !== null ? Object.keys(value).sort().join(',') : String(value);
  const expectKeys = (where: string, value: unknown, wanted: string) => {
    if (keys(value) !== wanted) issues.push(`${where} has keys ${keys(value)}, not ${wanted}`);
  };
  if (request.method !== 'POST') issues.push(`method ${request.method}`);
  if (!/^\/v2\/[^/]+\/whatsapp\/\+?\d+\/messages$/.test(request.path)) issues.push(`path ${request.path}`);
  if (!request.headers['api-key']) issues.push('no api-key header');
  if (!String(request.headers['content-type']).startsWith('application/json')) issues.push('not JSON');
  const body = request.body as
    | { messaging_object?: Record<string, unknown>; extra_info?: Record<string, unknown> }
    | undefined;
  expectKeys('the body', body, 'extra_info,messaging_object');
  const object = body?.messaging_object;
  expectKeys('messaging_object', object, 'messaging_product,recipient_type,text,to,type');
  if (object?.messaging_product !== 'whatsapp') issues.push('messaging_product is not whatsapp');
  if (object?.recipient_type !== 'individual') issues.push('recipient_type is not individual');
  if (object?.type !== 'text') issues.push('type is not text');
  if (typeof object?.to !== 'string' || !/^\+\d{7,15}$/.test(object.to))
    issues.push(`to ${String(object?.to)}`);
  const text = object?.text as { preview_url?: unknown; body?: unknown } | undefined;
  expectKeys('text', text, 'body,preview_url');
  if (text?.preview_url !== false) issues.push('text.preview_url is not false');
  if (typeof text?.body !== 'string' || text.body.length < 1 || text.body.length > 4096) {
    issues.push('text.body is not 1 to 4096 characters');
  }
  const extra = body?.extra_info;
  expectKeys('extra_info', extra, 'ref,ref1,ref2');
  for (const ref of ['ref', 'ref1', 'ref2']) {
    const value = extra?.[ref];
    if (typeof value !== 'string' || value === '' || value.length > 255)
      issues.push(`extra_info.${ref} ${String(value)}`);
  }
  return issues;
}

/** Answers a session text that is the document's with `accepted` (202 WA202), any other body with WA400. */
export function acceptingSessionTextsAs(accepted: CannedKaleyraResponse): KaleyraResponder {
  return (request) => (sessionTextIssues(request).length === 0 ? accepted : KALEYRA_RESPONSES.wa400);
}

export type FakeKaleyraOptions = {
  /** The port to listen on (`npm run fake-kaleyra`); tests leave it out for an ephemeral one. */
  port?: number;
  /** Told of each request with the answer it gets, refusals included (`npm run fake-kaleyra` prints them). */
  onAnswer?: (request: RecordedKaleyraRequest, answer: CannedKaleyraResponse) => void;
};

/**
 * A Kaleyra stand-in on 127.0.0.1 (an ephemeral port unless given one); answers 202 WA202 until told
 * otherwise, and refuses what Kaleyra documents as refused (RBC001 without an api-key, WA400 for a
 * payload not the documented one) before any responder is asked.
 */
export async function startFakeKaleyra(options: FakeKaleyraOptions = {}): Promise<FakeKaleyra> {
  const requests: RecordedKaleyraRequest[] = [];
  let responder: KaleyraResponder = accepted;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedKaleyraRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: parseJson(rawBody),
        rawBody,
      };
      const refusal = kaleyraRefusal(recorded);
      if (refusal) recorded.refusal = refusal;
      requests.push(recorded);
      void answer(recorded, res);
    });
  });

  async function answer(recorded: RecordedKaleyraRequest, res: ServerResponse): Promise<void> {
    let canned: CannedKaleyraResponse;
    try {
      if (recorded.refusal)
        canned = KALEYRA_RESPONSES[recorded.refusal.code === 'RBC001' ? 'rbc001' : 'wa400'];
      else canned = typeof responder === 'function' ? await responder(recorded) : responder;
    } catch (error) {
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`fake-kaleyra responder threw: ${String(error)}`);
      return;
    }
    options.onAnswer?.(recorded, canned);
    if ('hang' in canned) return;
    if ('destroy' in canned) {
      res.socket?.destroy();
      return;
    }
    const { status, body = '', headers = {}, delayMs } = canned;
    if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
    res.writeHead(status, hasContentType ? headers : { 'content-type': 'application/json', ...headers });
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      responder = next;
    },
    reset() {
      requests.length = 0;
      responder = accepted;
    },
    close() {
      // Hanging requests would otherwise keep close() waiting forever.
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
