import { describe, expect, it } from 'vitest';
import { readBasicAuth } from '../../src/callbacks/basic-auth.ts';
import { readCallbackBody, readCallbackQuery } from '../../src/callbacks/parse-callback.ts';
import { callbackPayload, callbackQuery } from '../support/kaleyra-callbacks.ts';

describe('reading Kaleyra’s status callbacks', () => {
  it('reads the document’s delivered payload: every id, ref2 and WhatsApp’s time', () => {
    const parsed = readCallbackBody(
      JSON.parse(
        callbackPayload({ status: 'delivered', messageId: 'A1B2C3D4E5F6A7B8C9', ref2: 'attempt-1' }),
      ),
    );
    expect(parsed).toEqual({
      ok: true,
      reports: [
        {
          messageIds: ['wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=', 'A1B2C3D4E5F6A7B8C9'],
          ref2: 'attempt-1',
          status: 'delivered',
          at: new Date(1764412800 * 1000),
          // WhatsApp's own id, kept so a customer's reply to this message (context.id) finds the send.
          wamid: 'wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA=',
        },
      ],
    });
  });

  it('reads the failed variant’s error: Meta’s code (a number in JSON) and its words', () => {
    const parsed = readCallbackBody(
      JSON.parse(
        callbackPayload({ status: 'failed', messageId: 'A1', errorCode: 131026, timestamp: '1764412805' }),
      ),
    );
    expect(parsed.ok && parsed.reports[0]?.error).toEqual({
      code: '131026',
      title: 'Message undeliverable: Message could not be delivered to the recipient.',
    });
  });

  it('keeps the top-level ids off each of several statuses', () => {
    const body = JSON.parse(callbackPayload({ status: 'read', messageId: 'ATOP' }));
    body.meta_object.value.statuses.push({ id: 'wamid.SECOND', status: 'sent', timestamp: '1764412700' });
    const parsed = readCallbackBody(body);
    expect(parsed.ok && parsed.reports.map((r) => r.messageIds)).toEqual([
      ['wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA='],
      ['wamid.SECOND'],
    ]);
  });

  it('takes a payload with only the top-level essentials, and ignores one with no status at all', () => {
    expect(readCallbackBody({ status: 'sent', message_id: 'A1' })).toEqual({
      ok: true,
      reports: [{ messageIds: ['A1'], status: 'sent' }],
    });
    expect(readCallbackBody({ field: 'template_status' })).toEqual({ ok: true, reports: [] });
  });

  it('refuses what is not a JSON object', () => {
    for (const body of [[], 'sent', null, 12]) {
      expect(readCallbackBody(body).ok, JSON.stringify(body)).toBe(false);
    }
  });

  it('reads a field of an unexpected type as absent, never refusing the body for it', () => {
    for (const body of [
      { status: { nested: true } },
      { meta_object: { value: { statuses: 'x' } } },
      { meta_object: 'x', extra_info: 'x' },
    ]) {
      expect(readCallbackBody(body), JSON.stringify(body)).toEqual({ ok: true, reports: [] });
    }
    const odd = JSON.parse(callbackPayload({ status: 'read', messageId: 'A1', ref2: 'attempt-1' }));
    odd.status = { unexpected: true };
    odd.extra_info.message_id = 42;
    odd.meta_object.value.statuses[0].errors = 'none';
    odd.meta_object.value.statuses[0].timestamp = 1764412800;
    expect(readCallbackBody(odd)).toMatchObject({
      ok: true,
      reports: [
        {
          messageIds: [expect.any(String), 'A1', '42'],
          ref2: 'attempt-1',
          status: 'read',
          at: new Date(1764412800 * 1000),
        },
      ],
    });
  });

  it('reads Meta’s statuses in its own entry[].changes[] envelope, and never a payment as a delivery', () => {
    const status = {
      id: 'wamid.META',
      status: 'delivered',
      timestamp: '1750030073',
      recipient_id: '16505551234',
    };
    const payment = { id: 'wamid.PAY', status: 'captured', type: 'payment', recipient_id: '16505551234' };
    const body = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [status, payment] } }] }],
    };
    expect(readCallbackBody(body)).toEqual({
      ok: true,
      reports: [
        { messageIds: ['wamid.META'], wamid: 'wamid.META', status: 'delivered', at: new Date(1750030073000) },
      ],
    });
    expect(readCallbackBody({ id: 'wamid.PAY', type: 'payment', status: 'captured' })).toEqual({
      ok: true,
      reports: [],
    });
  });

  it('reads a GET profile’s dynamic variables', () => {
    const query = new URLSearchParams(
      callbackQuery({
        id: 'A1',
        status: 'failed',
        timestamp: '1764412900',
        error_code: '131026',
        error: 'Undeliverable',
        ref2: 'attempt-1',
        mobile: '919876543210',
      }),
    );
    expect(readCallbackQuery(query)).toEqual([
      {
        messageIds: ['A1'],
        ref2: 'attempt-1',
        status: 'failed',
        at: new Date(1764412900 * 1000),
        error: { code: '131026', title: 'Undeliverable' },
      },
    ]);
    expect(readCallbackQuery(new URLSearchParams('id=A1'))).toEqual([]);
  });

  it('reads HTTP Basic credentials, and nothing else', () => {
    const header = `Basic ${Buffer.from('cb-user:pass:with:colons').toString('base64')}`;
    expect(readBasicAuth(header)).toEqual({ username: 'cb-user', password: 'pass:with:colons' });
    for (const bad of [
      undefined,
      '',
      'Bearer x',
      'Basic',
      `Basic ${Buffer.from('nocolon').toString('base64')}`,
    ]) {
      expect(readBasicAuth(bad)).toBeUndefined();
    }
  });
});
