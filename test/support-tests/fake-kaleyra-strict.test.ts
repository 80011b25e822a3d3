import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKaleyra, startFakeKaleyra } from '../support/fake-kaleyra.ts';

/**
 * The fake Kaleyra refuses what Kaleyra documents as refused, answering with its documented bodies, and
 * takes the documented request (../shared/kaleyra-whatsapp-order-status-api.txt, its sample with a real
 * number and the reference's trailing space trimmed).
 */

// biome-ignore lint/suspicious/noExplicitAny: each case breaks the document's sample at a different depth
type Sample = Record<string, any>;

const PATH = '/v2/HXAP16XXXXXX97IN/whatsapp/+919900000001/messages';

function documentSample(): Sample {
  return {
    messaging_object: {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505550123',
      type: 'template',
      template: {
        name: 'order_confirmation',
        language: { policy: 'deterministic', code: 'en_US' },
        components: [
          {
            type: 'order_status',
            parameters: [
              {
                type: 'order_status',
                order_status: {
                  reference_id: '395001',
                  order: { status: 'shipped', description: 'This order has been shipped.' },
                },
              },
            ],
          },
        ],
      },
    },
    extra_info: { ref: 'customer1', ref1: 'marketing', ref2: 'dictionary', wa_source: 'api' },
  };
}

const sessionText = (body: string) => ({
  messaging_object: {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '+919876543210',
    type: 'text',
    text: { preview_url: false, body },
  },
  extra_info: { ref: 'T1', ref1: 'U1', ref2: 'attempt' },
});

describe('the fake Kaleyra refuses what Kaleyra refuses', () => {
  let kaleyra: FakeKaleyra;
  beforeAll(async () => {
    kaleyra = await startFakeKaleyra();
  });
  afterAll(() => kaleyra.close());

  async function send(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${kaleyra.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': 'Axxxxxxxx3', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { code: string } };
  }

  it('takes the documented order-status request and a session text of 4,096 characters', async () => {
    expect(await send(documentSample())).toMatchObject({ status: 202, body: { code: 'WA202' } });
    expect(await send(sessionText('x'.repeat(4096)))).toMatchObject({ status: 202, body: { code: 'WA202' } });
  });

  it('answers RBC001 without an api-key, before looking at the body', async () => {
    const response = await fetch(`${kaleyra.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(documentSample()),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'RBC001', message: 'Incorrect SID or API key.' });
  });

  const broken: Array<[string, (sample: Sample) => void]> = [
    ['messaging_product missing', (s) => delete s.messaging_object.messaging_product],
    ['messaging_product wrong', (s) => (s.messaging_object.messaging_product = 'sms')],
    ['recipient_type wrong', (s) => (s.messaging_object.recipient_type = 'group')],
    ['type wrong', (s) => (s.messaging_object.type = 'order')],
    ['to without +', (s) => (s.messaging_object.to = '919876543210')],
    ['to not a number', (s) => (s.messaging_object.to = '+91 98765 43210')],
    ['policy wrong', (s) => (s.messaging_object.template.language.policy = 'fallback')],
    ['component type wrong', (s) => (s.messaging_object.template.components[0].type = 'body')],
    ['two components', (s) => s.messaging_object.template.components.push({ type: 'order_status' })],
    ['template name over 512', (s) => (s.messaging_object.template.name = 'n'.repeat(513))],
    ['reference over 35', (s) => (order(s).reference_id = 'R'.repeat(36))],
    ['reference with a space', (s) => (order(s).reference_id = '395XXXXX ')],
    ['reference with a slash', (s) => (order(s).reference_id = 'A/1')],
    ['status not in the list', (s) => (order(s).order.status = 'delivered')],
    ['description over 120', (s) => (order(s).order.description = 'd'.repeat(121))],
    ['no messaging_object', (s) => delete s.messaging_object],
  ];

  it.each(broken)('answers WA400 for a payload with %s', async (_name, breakIt) => {
    const sample = documentSample();
    breakIt(sample);
    expect(await send(sample)).toMatchObject({ status: 400, body: { code: 'WA400' } });
    expect(kaleyra.requests.at(-1)?.refusal?.code).toBe('WA400');
  });

  it('answers WA400 for a session text over 4,096 or empty, and for a body that is not JSON', async () => {
    expect((await send(sessionText('x'.repeat(4097)))).body.code).toBe('WA400');
    expect((await send(sessionText(''))).body.code).toBe('WA400');
    expect((await send(documentSample(), { 'content-type': 'text/plain' })).body.code).toBe('WA400');
  });

  it('refuses before any responder is asked: a test cannot make it accept a wrong payload', async () => {
    kaleyra.respondWith({ status: 202, body: '{"code":"WA202","data":{"message_id":"AX"}}' });
    const sample = documentSample();
    order(sample).order.status = 'shipped!';
    expect((await send(sample)).status).toBe(400);
    kaleyra.reset();
  });

  it('takes what Kaleyra documents as taken: refs over 255 (it truncates them), an unknown wa_source', async () => {
    const sample = documentSample();
    sample.extra_info.ref2 = 'r'.repeat(300);
    sample.extra_info.wa_source = 'somewhere';
    expect((await send(sample)).status).toBe(202);
  });
});

// The shared document's session media sample (kaleyra-whatsapp-payments-and-media.md §3).
const mediaSample = (): Sample => ({
  messaging_object: {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '+919876543210',
    type: 'document',
    document: {
      link: 'https://files.example.com/inv/INV-0042.pdf',
      filename: 'INV-0042.pdf',
      caption: 'Invoice for order 0042',
    },
  },
  extra_info: { ref: 'T0123ABCD', ref1: 'U0AGENT01', ref2: 'att_0042' },
});
const asImage = (s: Sample) => {
  const { filename: _name, ...image } = s.messaging_object.document;
  s.messaging_object.type = 'image';
  s.messaging_object.image = image;
  delete s.messaging_object.document;
};

describe('the fake Kaleyra holds session media to Meta’s media objects', () => {
  let kaleyra: FakeKaleyra;
  beforeAll(async () => {
    kaleyra = await startFakeKaleyra();
  });
  afterAll(() => kaleyra.close());
  const send = async (body: unknown) =>
    (
      await fetch(`${kaleyra.url}${PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'api-key': 'Axxxxxxxx3' },
        body: JSON.stringify(body),
      })
    ).status;

  it('takes the document’s sample, an image of link and caption, and a bare link', async () => {
    expect(await send(mediaSample())).toBe(202);
    const image = mediaSample();
    asImage(image);
    expect(await send(image)).toBe(202);
    delete image.messaging_object.image.caption;
    expect(await send(image)).toBe(202);
  });

  const brokenMedia: Array<[string, (sample: Sample) => void]> = [
    ['both link and id', (s) => (s.messaging_object.document.id = '1234567890')],
    ['neither link nor id', (s) => delete s.messaging_object.document.link],
    [
      'a link that is not http(s)',
      (s) => (s.messaging_object.document.link = 'ftp://files.example.com/a.pdf'),
    ],
    ['a link that is no URL', (s) => (s.messaging_object.document.link = 'https://')],
    ['a caption over 1,024', (s) => (s.messaging_object.document.caption = 'c'.repeat(1_025))],
    ['an empty filename', (s) => (s.messaging_object.document.filename = '')],
    ['a field Meta does not define', (s) => (s.messaging_object.document.title = 'Invoice')],
    [
      'a filename on an image',
      (s) => {
        const { filename } = s.messaging_object.document;
        asImage(s);
        s.messaging_object.image.filename = filename;
      },
    ],
    [
      'a caption on audio',
      (s) => {
        s.messaging_object.type = 'audio';
        s.messaging_object.audio = { link: 'https://x.example/a.ogg', caption: 'Hi' };
      },
    ],
    ['the media object missing', (s) => delete s.messaging_object.document],
  ];

  it.each(brokenMedia)('answers WA400 for session media with %s', async (_name, breakIt) => {
    const sample = mediaSample();
    breakIt(sample);
    expect(await send(sample)).toBe(400);
  });
});

function order(sample: Sample) {
  return sample.messaging_object.template.components[0].parameters[0].order_status;
}
