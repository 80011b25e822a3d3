import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTemplatesClient } from '../../src/kaleyra/templates-client.ts';
import { type FakeKaleyra, KALEYRA_RESPONSES, startFakeKaleyra } from '../support/fake-kaleyra.ts';

const ACCOUNT = {
  sid: 'HXIN1234567890IN',
  apiKey: 'Atemplateskey00000000000000000009',
  pod: 'in' as const,
  wabaId: '120000000000000',
};

/** Meta's template objects as Kaleyra's "Get Templates" passes them on (fields Kaleyra documents). */
const ANSWER = {
  code: 'WA200',
  data: [
    { name: 'order_status', language: 'en', status: 'APPROVED', category: 'UTILITY', components: [] },
    { name: 'order_status', language: 'hi', status: 'APPROVED', category: 'UTILITY', components: [] },
    { name: 'diwali_sale', language: 'en', status: 'APPROVED', category: 'MARKETING', components: [] },
    { name: 'order_update_v2', language: 'en_US', status: 'PAUSED', category: 'UTILITY' },
    { name: 'order_late', language: 'en', status: 'REJECTED', category: 'UTILITY' },
    { name: 'shipped_note', language: 'en_GB', status: 'approved', category: 'utility' },
    { name: 42, language: 'en', status: 'APPROVED', category: 'UTILITY' },
    'not an object',
  ],
};

describe('Kaleyra templates client', () => {
  let kaleyra: FakeKaleyra;
  beforeAll(async () => {
    kaleyra = await startFakeKaleyra();
  });
  afterAll(async () => {
    await kaleyra.close();
  });
  beforeEach(() => kaleyra.reset());

  const client = () => createTemplatesClient({ baseUrlOverride: kaleyra.url, timeoutMs: 300 });

  it('asks Kaleyra for the WABA’s templates with the api-key header, and keeps approved utility ones', async () => {
    kaleyra.respondWith({ status: 200, body: JSON.stringify(ANSWER) });
    const list = await client().listTemplates(ACCOUNT);
    expect(list).toEqual({
      ok: true,
      templates: [
        { name: 'order_status', languageCode: 'en' },
        { name: 'order_status', languageCode: 'hi' },
        { name: 'shipped_note', languageCode: 'en_GB' },
      ],
    });
    const [request] = kaleyra.requests;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe(`/v2/${ACCOUNT.sid}/whatsapp/${ACCOUNT.wabaId}/message_templates`);
    expect(request?.headers['api-key']).toBe(ACCOUNT.apiKey);
  });

  it.each([
    ['Kaleyra’s own refusal', { status: 401, body: KALEYRA_RESPONSES.rbc001.body }, 'RBC001'],
    ['an answer that is not JSON', { status: 502, body: '<html>bad gateway</html>' }, 'BAD_RESPONSE'],
    ['a 200 of another shape', { status: 200, body: '{"templates":[]}' }, 'BAD_RESPONSE'],
    ['no answer within the timeout', { hang: true as const }, 'TIMEOUT'],
  ])('says why there is no list: %s', async (_label, answer, code) => {
    kaleyra.respondWith(answer);
    expect(await client().listTemplates(ACCOUNT)).toEqual({ ok: false, code });
  });

  it('says NETWORK when Kaleyra cannot be reached', async () => {
    const unreachable = createTemplatesClient({ baseUrlOverride: 'http://127.0.0.1:9', timeoutMs: 1000 });
    expect(await unreachable.listTemplates(ACCOUNT)).toEqual({ ok: false, code: 'NETWORK' });
  });
});
