import { request } from 'node:http';

/**
 * Kaleyra's status callbacks as the shared document (kaleyra-whatsapp-status-callbacks.md) shows them:
 * the JSON below is the document's, verbatim, with only its made-up values replaced by the test's.
 */

export type CallbackValues = {
  status: string;
  /** Top-level `message_id` and `extra_info.message_id` (Kaleyra's id, the one a 202 returns). */
  messageId: string;
  /** `statuses[].id` (WhatsApp's wamid). */
  wamid?: string;
  ref?: string;
  ref1?: string;
  ref2?: string;
  timestamp?: string;
  /** For `failed`: Meta's error code (the document's example is 131026). */
  errorCode?: number;
};

/** The document's v2 POST payload (`delivered` example), or its `failed` variant when `errorCode` is given. */
export function callbackPayload(values: CallbackValues): string {
  const wamid = values.wamid ?? 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=';
  const timestamp = values.timestamp ?? '1764412800';
  const status =
    values.errorCode === undefined
      ? `{
          "id": ${JSON.stringify(wamid)},
          "status": ${JSON.stringify(values.status)},
          "timestamp": ${JSON.stringify(timestamp)},
          "recipient_id": "919876543210",
          "conversation": { "id": "c0ffee00c0ffee00c0ffee00c0ffee00", "origin": { "type": "utility" } },
          "pricing": { "billable": true, "pricing_model": "PMP", "category": "utility" }
        }`
      : `{
  "id": ${JSON.stringify(wamid)}, "status": ${JSON.stringify(values.status)}, "timestamp": ${JSON.stringify(timestamp)}, "recipient_id": "919876543210",
  "errors": [{
    "code": ${values.errorCode},
    "title": "Message undeliverable",
    "message": "Message undeliverable",
    "error_data": { "details": "Message could not be delivered to the recipient." }
  }]
}`;
  return `{
  "meta_object": {
    "value": {
      "messaging_product": "whatsapp",
      "metadata": { "display_phone_number": "919900000001", "phone_number_id": "104000000000060" },
      "statuses": [
        ${status}
      ]
    },
    "field": "messages"
  },
  "extra_info": {
    "trace_id": "8f14e45f-0000-4c1a-9e77-1a5000000000",
    "message_id": ${JSON.stringify(values.messageId)},
    "waba_id": "120000000000000",
    "ref": ${JSON.stringify(values.ref ?? 'T0123ABCD')},
    "ref1": ${JSON.stringify(values.ref1 ?? 'U0AGENT01')},
    "ref2": ${JSON.stringify(values.ref2 ?? 'what the send put in extra_info.ref2')}
  },
  "status": ${JSON.stringify(values.status)},
  "message_id": ${JSON.stringify(values.messageId)}
}`;
}

/** The document's GET profile query: `id`, `status`, `timestamp`, `ref`, `ref1`, `ref2` (and `error_code`, `error`). */
export function callbackQuery(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

export type Login = { username: string; password: string };

export function basicAuth(login: Login): string {
  return `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
}

export type CallbackAnswer = { status: number; text: string; ms: number; headers: Headers };

/** POSTs a callback body to the app, with HTTP Basic when `login` is given. */
export async function postCallback(baseUrl: string, body: string, login?: Login): Promise<CallbackAnswer> {
  const started = performance.now();
  const response = await fetch(new URL('/kaleyra/callbacks', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(login ? { authorization: basicAuth(login) } : {}) },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started, headers: response.headers };
}

/** A GET-method callback profile's request. */
export async function getCallback(baseUrl: string, query: string, login?: Login): Promise<CallbackAnswer> {
  const started = performance.now();
  const response = await fetch(new URL(`/kaleyra/callbacks?${query}`, baseUrl), {
    headers: login ? { authorization: basicAuth(login) } : {},
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started, headers: response.headers };
}

/** A POST whose body the client controls byte by byte: a declared length, or a chunked stream of `chunked` bytes. */
export function rawPost(
  baseUrl: string,
  login: Login,
  shape: { declared: number; send: number } | { chunked: number },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const auth = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
    const headers: Record<string, string> = { authorization: auth, 'content-type': 'application/json' };
    if ('declared' in shape) headers['content-length'] = String(shape.declared);
    const req = request(new URL('/kaleyra/callbacks', baseUrl), { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    if ('declared' in shape) {
      req.write(' '.repeat(shape.send));
      return;
    }
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const pump = () => {
      while (written < shape.chunked) {
        written += chunk.length;
        if (!req.write(chunk)) return req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
