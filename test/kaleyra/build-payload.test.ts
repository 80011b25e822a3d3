import { describe, expect, it } from 'vitest';
import type { ResolvedOrderStatus } from '../../src/domain/order-update.ts';
import { buildOrderStatusPayload, buildSessionMediaPayload } from '../../src/kaleyra/build-payload.ts';

// The reference's sample request body, verbatim except for its two placeholders.
const SAMPLE_BODY = `{
"messaging_object":{
"messaging_product": "whatsapp",
"recipient_type": "individual",
"to": "+16XXXXXX234",
"type": "template",
"template": {
"name": "order_confirmation",
"language": {
"policy": "deterministic",
"code": "en_US"
},
"components": [
{
"type": "order_status",
"parameters": [
{
"type": "order_status",
"order_status": {
"reference_id": "395XXXXX ",
"order": {
"status": "shipped",
"description": "This order has been shipped."
}
}
}
]
}
]
}
},
"extra_info": {
"ref": "customer1",
"ref1": "marketing",
"ref2": "dictionary",
"wa_source": "api"
}
}`;

const TO = '+16505550123';
const REFERENCE = '39512345';

const update: ResolvedOrderStatus = {
  to: TO,
  referenceId: REFERENCE,
  status: 'shipped',
  description: 'This order has been shipped.',
  templateName: 'order_confirmation',
  languageCode: 'en_US',
};

describe('buildOrderStatusPayload', () => {
  it('reproduces the reference sample request field by field, in the same key order', () => {
    const expected = JSON.parse(
      SAMPLE_BODY.replace('+16XXXXXX234', TO).replace('"395XXXXX "', JSON.stringify(REFERENCE)),
    );
    const payload = buildOrderStatusPayload(update, {
      ref: 'customer1',
      ref1: 'marketing',
      ref2: 'dictionary',
    });
    expect(payload).toStrictEqual(expected);
    expect(JSON.stringify(payload)).toBe(JSON.stringify(expected));
  });

  it('leaves the description key out when there is none', () => {
    const { description: _omitted, ...withoutDescription } = update;
    for (const input of [withoutDescription, { ...update, description: '' }]) {
      const payload = buildOrderStatusPayload(input, { ref: 'T123' });
      const order = payload.messaging_object.template.components[0].parameters[0].order_status.order;
      expect(order).toStrictEqual({ status: 'shipped' });
      expect('description' in order).toBe(false);
      expect(JSON.stringify(payload)).not.toContain('description');
    }
  });

  it('spells partially shipped as the workspace chose, every other status alike', () => {
    const statusOf = (payload: ReturnType<typeof buildOrderStatusPayload>) =>
      payload.messaging_object.template.components[0].parameters[0].order_status.order.status;
    const partial = { ...update, status: 'partially_shipped' as const };
    expect(statusOf(buildOrderStatusPayload(partial, { ref: 'T1' }))).toBe('partially_shipped');
    expect(statusOf(buildOrderStatusPayload(partial, { ref: 'T1' }, 'kaleyra'))).toBe('partially_shipped');
    expect(statusOf(buildOrderStatusPayload(partial, { ref: 'T1' }, 'meta'))).toBe('partially-shipped');
    for (const status of ['processing', 'shipped', 'completed', 'canceled'] as const) {
      expect(statusOf(buildOrderStatusPayload({ ...update, status }, { ref: 'T1' }, 'meta'))).toBe(status);
    }
  });

  it('omits ref1 and ref2 when not given and always sends wa_source "api"', () => {
    const payload = buildOrderStatusPayload(update, { ref: 'T123' });
    expect(payload.extra_info).toStrictEqual({ ref: 'T123', wa_source: 'api' });
    expect(Object.keys(payload.extra_info)).toEqual(['ref', 'wa_source']);

    const cli = buildOrderStatusPayload(update, { ref: 'T123', ref1: 'cli' });
    expect(Object.keys(cli.extra_info)).toEqual(['ref', 'ref1', 'wa_source']);
    expect(cli.extra_info.wa_source).toBe('api');
  });

  it('cuts ref, ref1 and ref2 to 255 characters', () => {
    const long = 'r'.repeat(256);
    const payload = buildOrderStatusPayload(update, { ref: long, ref1: `1${long}`, ref2: `2${long}` });
    expect(payload.extra_info.ref).toBe('r'.repeat(255));
    expect(payload.extra_info.ref1).toHaveLength(255);
    expect(payload.extra_info.ref2).toHaveLength(255);
    expect(buildOrderStatusPayload(update, { ref: 'x'.repeat(255) }).extra_info.ref).toHaveLength(255);
  });

  it('does not split a character made of two UTF-16 units at the cut', () => {
    const ref = `${'a'.repeat(254)}😀😀`;
    const cut = buildOrderStatusPayload(update, { ref }).extra_info.ref;
    expect(Array.from(cut)).toHaveLength(255);
    expect(cut.endsWith('😀')).toBe(true);
    expect(cut.isWellFormed()).toBe(true);
  });
});

// The shared document's session media sample (kaleyra-whatsapp-payments-and-media.md §3), verbatim.
const MEDIA_SAMPLE = `{ "messaging_object": { "messaging_product": "whatsapp", "recipient_type": "individual",
    "to": "+919876543210", "type": "document",
    "document": { "link": "https://files.example.com/inv/INV-0042.pdf",
                  "filename": "INV-0042.pdf", "caption": "Invoice for order 0042" } },
  "extra_info": { "ref": "T0123ABCD", "ref1": "U0AGENT01", "ref2": "att_0042" } }`;

describe('buildSessionMediaPayload', () => {
  const refs = { ref: 'T0123ABCD', ref1: 'U0AGENT01', ref2: 'att_0042' };

  it('reproduces the shared document’s document sample field by field, in the same key order', () => {
    const payload = buildSessionMediaPayload(
      '+919876543210',
      {
        type: 'document',
        link: 'https://files.example.com/inv/INV-0042.pdf',
        filename: 'INV-0042.pdf',
        caption: 'Invoice for order 0042',
      },
      refs,
    );
    expect(JSON.stringify(payload)).toBe(JSON.stringify(JSON.parse(MEDIA_SAMPLE)));
  });

  it('sends an image as link and caption only (no filename: documents only), and no empty caption', () => {
    const image = buildSessionMediaPayload(
      '+919876543210',
      { type: 'image', link: 'https://x.example/media/T1.abc', caption: 'Your parcel' },
      refs,
    );
    expect(image.messaging_object).toStrictEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+919876543210',
      type: 'image',
      image: { link: 'https://x.example/media/T1.abc', caption: 'Your parcel' },
    });
    for (const caption of [undefined, '']) {
      const bare = buildSessionMediaPayload(
        '+919876543210',
        { type: 'image', link: 'https://x.example/m', caption },
        refs,
      );
      expect(bare.messaging_object).toMatchObject({ image: { link: 'https://x.example/m' } });
      expect(JSON.stringify(bare)).not.toContain('caption');
    }
    expect(image.extra_info).toStrictEqual(refs);
  });
});
