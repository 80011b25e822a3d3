import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/domain/workspace-settings.ts';
import { buildOrderStatusPayload } from '../../src/kaleyra/build-payload.ts';
import { createKaleyraClient, type KaleyraAccount } from '../../src/kaleyra/client.ts';
import { KaleyraError } from '../../src/kaleyra/kaleyra-error.ts';
import {
  type FakeKaleyra,
  KALEYRA_RESPONSES,
  referenceIdOf,
  startFakeKaleyra,
} from '../support/fake-kaleyra.ts';

const SID = 'HXAP1612345697IN';
const API_KEY = 'A7f3c9e1b5d2k8m4n6p0q2r4s6t8u0v3';

const account: KaleyraAccount = { sid: SID, apiKey: API_KEY, pod: 'in', businessNumber: '+919876543210' };

const payload = buildOrderStatusPayload(
  {
    to: '+16505550123',
    referenceId: '395001',
    status: 'shipped',
    description: 'Your parcel left our warehouse',
    templateName: 'order_status',
    languageCode: 'en',
  },
  { ref: 'T0001', ref1: 'U0001', ref2: 'C0001' },
);

let fake: FakeKaleyra;

beforeEach(async () => {
  fake = await startFakeKaleyra();
});

afterEach(async () => {
  await fake.close();
});

function client(timeoutMs?: number) {
  return createKaleyraClient({ baseUrlOverride: fake.url, ...(timeoutMs !== undefined && { timeoutMs }) });
}

async function sendExpectingError(
  send: () => Promise<unknown> = () => client().sendMessage(account, payload),
): Promise<KaleyraError> {
  const error = await send().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KaleyraError);
  return error as KaleyraError;
}

function expectNoSecrets(error: unknown): void {
  const renderings = [
    JSON.stringify(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    String(error),
    (error as Error).stack ?? '',
  ];
  for (const text of renderings) {
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(SID);
  }
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

// For answers the fake deliberately does not offer: headers followed by a stalled or broken body.
async function withRawServer(
  answer: (res: ServerResponse) => void,
  run: (url: string) => Promise<void>,
): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await run(`http://127.0.0.1:${port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('sendMessage', () => {
  it('POSTs the payload once to /v2/{sid}/whatsapp/{+number}/messages and returns the message_id', async () => {
    const result = await client().sendMessage(account, payload);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v2/${SID}/whatsapp/+919876543210/messages`);
    expect(request?.headers['api-key']).toBe(API_KEY);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.body).toStrictEqual(payload);
    expect(request?.rawBody).toBe(JSON.stringify(payload));
    expect(fake.requests.map(referenceIdOf)).toEqual(['395001']);

    expect(result.messageId).toMatch(/^A[0-9A-F]{19}$/);
  });

  it('accepts the documented WA202 sample and gives each send its own message_id', async () => {
    const kaleyra = client();
    const first = await kaleyra.sendMessage(account, payload);
    const second = await kaleyra.sendMessage(account, payload);
    expect(first.messageId).not.toBe(second.messageId);

    fake.respondWith(KALEYRA_RESPONSES.wa202);
    expect(await kaleyra.sendMessage(account, payload)).toEqual({ messageId: 'AXXXXXXXXXXXXXXXXXXX' });
    expect(fake.requests).toHaveLength(3);
  });

  it('waits for a slow answer that arrives within the timeout', async () => {
    fake.respondWith({ ...KALEYRA_RESPONSES.wa202, delayMs: 150 });
    await expect(client(2_000).sendMessage(account, payload)).resolves.toEqual({
      messageId: 'AXXXXXXXXXXXXXXXXXXX',
    });
  });

  it.each([
    ['RBC001', KALEYRA_RESPONSES.rbc001, 'RBC001', 401, 'error', 'Incorrect SID or API key.'],
    [
      'WA401',
      KALEYRA_RESPONSES.wa401,
      'WA401',
      401,
      'phone_number',
      'Phone number is not present or does not belong to the account.',
    ],
    ['WA400', KALEYRA_RESPONSES.wa400, 'WA400', 400, 'payload', 'Refer to correct payload format'],
    ['WA500', KALEYRA_RESPONSES.wa500, 'WA500', 500, 'error', 'Please try again later'],
    [
      'E110',
      KALEYRA_RESPONSES.e110,
      'E110',
      400,
      'balance',
      'Please check your balance, You have a low balance!',
    ],
    [
      'WA-401 account',
      KALEYRA_RESPONSES.waDash401Account,
      'WA-401',
      401,
      'account',
      'API is not available for given customer.Please contact support for more info',
    ],
    [
      'WA-401 version',
      KALEYRA_RESPONSES.waDash401Version,
      'WA-401',
      401,
      'phone_number',
      "The phone number you're using is associated with different Version of our WA API. Please use the appropriate endpoint.",
    ],
    [
      'WAV2101',
      KALEYRA_RESPONSES.wav2101,
      'WAV2101',
      429,
      'limit',
      'Daily messaging limit reached for this business number.',
    ],
  ])(
    '%s → KaleyraError with that code, after exactly one request',
    async (_label, canned, code, status, key, message) => {
      fake.respondWith(canned);
      const error = await sendExpectingError();

      expect(error.code).toBe(code);
      expect(error.httpStatus).toBe(status);
      expect(error.errorKey).toBe(key);
      expect(error.kaleyraMessage).toBe(message);
      expect(error.outcome).toBe('rejected');
      expect(fake.requests).toHaveLength(1);
      expectNoSecrets(error);
    },
  );

  it('times out a hanging Kaleyra after timeoutMs: TIMEOUT, outcome unknown, one request', async () => {
    fake.respondWith({ hang: true });
    const started = performance.now();
    const error = await sendExpectingError(() => client(300).sendMessage(account, payload));
    const elapsed = performance.now() - started;

    expect(error.code).toBe('TIMEOUT');
    expect(error.outcome).toBe('unknown');
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(10_000); // the budget, not a hang
    expect(fake.requests).toHaveLength(1);
    expectNoSecrets(error);
  });

  it('times out an answer that comes too late', async () => {
    fake.respondWith({ ...KALEYRA_RESPONSES.wa202, delayMs: 1_000 });
    const error = await sendExpectingError(() => client(200).sendMessage(account, payload));
    expect(error.code).toBe('TIMEOUT');
    expect(fake.requests).toHaveLength(1);
  });

  it('bounds reading the body too: headers then silence is a TIMEOUT', async () => {
    await withRawServer(
      (res) => {
        res.writeHead(202, { 'content-type': 'application/json' });
        res.write('{"code":"WA202",');
      },
      async (url) => {
        const kaleyra = createKaleyraClient({ baseUrlOverride: url, timeoutMs: 300 });
        const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
        expect(error).toMatchObject({ code: 'TIMEOUT', outcome: 'unknown' });
      },
    );
  });

  it('reads a body cut off mid-way as BAD_RESPONSE with the status that arrived', async () => {
    await withRawServer(
      (res) => {
        res.writeHead(202, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"code":"WA202",', () => res.socket?.destroy());
      },
      async (url) => {
        const kaleyra = createKaleyraClient({ baseUrlOverride: url });
        const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
        expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 202, outcome: 'unknown' });
        expectNoSecrets(error);
      },
    );
  });

  it('reads a non-JSON 502 page as BAD_RESPONSE with outcome unknown', async () => {
    fake.respondWith({
      status: 502,
      headers: { 'content-type': 'text/html' },
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 502, outcome: 'unknown' });
    expect(fake.requests).toHaveLength(1);
  });

  it('reads an unrecognised 4xx body as BAD_RESPONSE with outcome rejected', async () => {
    fake.respondWith({ status: 404, body: '{"detail":"Not Found"}' });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 404, outcome: 'rejected' });
  });

  it.each([
    ['200 with a WA202 body', { status: 200, body: KALEYRA_RESPONSES.wa202.body }],
    ['202 without a message_id', { status: 202, body: '{"code":"WA202","data":{"message_id":""}}' }],
    ['202 with data []', { status: 202, body: '{"code":"WA202","data":[]}' }],
    ['202 with another code', { status: 202, body: KALEYRA_RESPONSES.wa400.body }],
    ['202 that is not JSON', { status: 202, body: 'Accepted' }],
    ['204 with no body', { status: 204 }],
  ])('treats %s as BAD_RESPONSE with outcome unknown', async (_label, canned) => {
    fake.respondWith(canned);
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: canned.status, outcome: 'unknown' });
    expect(fake.requests).toHaveLength(1);
  });

  it('does not follow a redirect (no second request anywhere)', async () => {
    fake.respondWith({ status: 302, headers: { location: `${fake.url}/elsewhere` }, body: '' });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 302, outcome: 'rejected' });
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a refused connection as NETWORK, outcome rejected (nothing was sent)', async () => {
    const kaleyra = createKaleyraClient({ baseUrlOverride: await closedPortUrl() });
    const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
    expect(error).toMatchObject({ code: 'NETWORK', outcome: 'rejected' });
    expect(error.cause).toBe('ECONNREFUSED');
    expectNoSecrets(error);
  });

  it('reports a port fetch refuses to use (e.g. 9) as NETWORK, outcome rejected', async () => {
    const kaleyra = createKaleyraClient({ baseUrlOverride: 'http://127.0.0.1:9' });
    const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
    expect(error).toMatchObject({ code: 'NETWORK', outcome: 'rejected', cause: 'ERR_BAD_PORT' });
  });

  it('reports a DNS failure as NETWORK, outcome rejected', async () => {
    // Shaped like undici's own error, so no real resolver is needed.
    const dnsFailure = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error(`getaddrinfo ENOTFOUND api.in.kaleyra.io ${SID}`), {
        code: 'ENOTFOUND',
      }),
    });
    const kaleyra = createKaleyraClient({ fetch: () => Promise.reject(dnsFailure) });
    const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
    expect(error).toMatchObject({ code: 'NETWORK', outcome: 'rejected' });
    expectNoSecrets(error);
  });

  it('reports a socket destroyed after the request was written as NETWORK, outcome unknown', async () => {
    fake.respondWith({ destroy: true });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: 'NETWORK', outcome: 'unknown' });
    expect(fake.requests).toHaveLength(1);
    expectNoSecrets(error);
  });

  it('never lets the SID or API key into an error, even when Kaleyra echoes them', async () => {
    fake.respondWith({
      status: 401,
      body: JSON.stringify({
        code: 'RBC001',
        message: `Incorrect SID ${SID} or API key ${API_KEY}.`,
        data: [],
        error: { error: 'Incorrect SID or API key.' },
      }),
    });
    const error = await sendExpectingError();
    expect(error.kaleyraMessage).toBe('Incorrect SID [redacted] or API key [redacted].');
    expectNoSecrets(error);
  });
});

describe('Kaleyra base URL', () => {
  async function urlFor(pod: Pod, baseUrlOverride?: string): Promise<string> {
    const urls: string[] = [];
    const kaleyra = createKaleyraClient({
      ...(baseUrlOverride !== undefined && { baseUrlOverride }),
      fetch: async (input) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return new Response(KALEYRA_RESPONSES.wa202.body, { status: 202 });
      },
    });
    await kaleyra.sendMessage({ ...account, pod }, payload);
    expect(urls).toHaveLength(1);
    return urls[0] ?? '';
  }

  it.each([
    ['in', 'https://api.in.kaleyra.io'],
    ['sg', 'https://api.ap.kaleyra.io'],
    ['eu', 'https://api.eu.kaleyra.io'],
    ['na', 'https://api.na.kaleyra.io'],
  ] as const)('sends a %s workspace to %s', async (pod, base) => {
    expect(await urlFor(pod)).toBe(`${base}/v2/${SID}/whatsapp/+919876543210/messages`);
  });

  it('lets KALEYRA_BASE_URL override every pod, path prefix kept and trailing slash ignored', async () => {
    for (const pod of ['in', 'sg', 'eu', 'na'] as const) {
      expect(await urlFor(pod, 'http://proxy.local:8080/kaleyra/')).toBe(
        `http://proxy.local:8080/kaleyra/v2/${SID}/whatsapp/+919876543210/messages`,
      );
    }
  });

  it('encodes path segments but keeps the + of the business number', async () => {
    const urls: string[] = [];
    const kaleyra = createKaleyraClient({
      fetch: async (input) => {
        urls.push(input instanceof Request ? input.url : String(input));
        return new Response(KALEYRA_RESPONSES.wa202.body, { status: 202 });
      },
    });
    await kaleyra.sendMessage({ ...account, sid: 'a/b?c', businessNumber: '+44 20#' }, payload);
    expect(urls[0]).toBe('https://api.in.kaleyra.io/v2/a%2Fb%3Fc/whatsapp/+44%2020%23/messages');
  });

  it('rejects a malformed override and a bad timeout when the client is made', () => {
    expect(() => createKaleyraClient({ baseUrlOverride: 'not a url' })).toThrow(/KALEYRA_BASE_URL/);
    expect(() => createKaleyraClient({ baseUrlOverride: 'ftp://x' })).toThrow(/http/);
    expect(() => createKaleyraClient({ timeoutMs: 0 })).toThrow(RangeError);
  });
});

// What ky now does for us (one total budget, bounded error bodies, `.json(schema)`), pinned so a ky
// upgrade or option change that alters it fails here.
describe('sendMessage: budgets, error bodies, odd answers', () => {
  it('spends one budget on the whole exchange: headers at 200 ms and body at 400 ms is a TIMEOUT at 300', async () => {
    await withRawServer(
      (res) => {
        setTimeout(() => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.flushHeaders();
        }, 200);
        setTimeout(() => res.end(KALEYRA_RESPONSES.wa202.body), 400);
      },
      async (url) => {
        const kaleyra = createKaleyraClient({ baseUrlOverride: url, timeoutMs: 300 });
        const started = performance.now();
        const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
        const elapsed = performance.now() - started;
        expect(error).toMatchObject({ code: 'TIMEOUT', httpStatus: 202, outcome: 'unknown' });
        expect(elapsed).toBeGreaterThanOrEqual(280);
        expect(elapsed).toBeLessThan(2_000);
      },
    );
  });

  it('bounds an error body too: a 401 whose body stalls is a TIMEOUT, outcome unknown', async () => {
    await withRawServer(
      (res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.write('{"code":"RBC001",');
      },
      async (url) => {
        const kaleyra = createKaleyraClient({ baseUrlOverride: url, timeoutMs: 300 });
        const started = performance.now();
        const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(error).toMatchObject({ code: 'TIMEOUT', outcome: 'unknown' });
        expectNoSecrets(error);
      },
    );
  });

  it('reads an error body of exactly 10 MiB, and one byte more as BAD_RESPONSE (reading stops)', async () => {
    const limit = 10 * 1024 * 1024;
    const padded = (size: number) => {
      const json = KALEYRA_RESPONSES.rbc001.body;
      return json + ' '.repeat(size - Buffer.byteLength(json));
    };
    fake.respondWith({ status: 401, body: padded(limit) });
    expect(await sendExpectingError()).toMatchObject({
      code: 'RBC001',
      httpStatus: 401,
      outcome: 'rejected',
    });

    fake.respondWith({ status: 401, body: padded(limit + 1) });
    expect(await sendExpectingError()).toMatchObject({
      code: 'BAD_RESPONSE',
      httpStatus: 401,
      outcome: 'rejected',
    });
    expect(fake.requests).toHaveLength(2);
  });

  it("reads Kaleyra's JSON error body even when it is labelled text/plain", async () => {
    fake.respondWith({ ...KALEYRA_RESPONSES.rbc001, headers: { 'content-type': 'text/plain' } });
    const error = await sendExpectingError();
    expect(error).toMatchObject({ code: 'RBC001', httpStatus: 401, errorKey: 'error', outcome: 'rejected' });
  });

  it("keeps Kaleyra's message on a 2xx that is not an acceptance", async () => {
    fake.respondWith({ status: 202, body: KALEYRA_RESPONSES.wa400.body });
    const error = await sendExpectingError();
    expect(error).toMatchObject({
      code: 'BAD_RESPONSE',
      httpStatus: 202,
      kaleyraMessage: 'Refer to correct payload format',
      outcome: 'unknown',
    });
  });

  it('turns a request that cannot even be built (an unknown pod) into NETWORK, outcome rejected, no secret', async () => {
    let called = false;
    const kaleyra = createKaleyraClient({
      fetch: async () => {
        called = true;
        return new Response(KALEYRA_RESPONSES.wa202.body, { status: 202 });
      },
    });
    // A pod value this version does not know, read from storage: the URL cannot be parsed.
    const unknownPod = { ...account, pod: 'xx' as Pod };
    const error = await sendExpectingError(() => kaleyra.sendMessage(unknownPod, payload));
    expect(called).toBe(false);
    expect(error).toMatchObject({ code: 'NETWORK', outcome: 'rejected' });
    expectNoSecrets(error);
  });

  it('treats a fetch that fails in a way nobody knows, once called, as NETWORK, outcome unknown', async () => {
    const calls: string[] = [];
    const kaleyra = createKaleyraClient({
      fetch: async (input, init) => {
        calls.push(init?.method ?? (input instanceof Request ? input.method : 'GET'));
        throw new Error(`proxy exploded on /v2/${SID} with api-key ${API_KEY}`);
      },
    });
    const error = await sendExpectingError(() => kaleyra.sendMessage(account, payload));
    expect(calls).toEqual(['POST']);
    expect(error).toMatchObject({ code: 'NETWORK', outcome: 'unknown' });
    expectNoSecrets(error);
  });
});
