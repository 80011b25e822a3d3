import { describe, expect, it } from 'vitest';
import { findOrderHints } from '../../src/domain/order-hints.ts';

const IN_BUSINESS = '+919876500000';

describe('findOrderHints', () => {
  it.each([
    ['Customer +91 98765 43210 asks about order #395001', { to: '+919876543210', referenceId: '395001' }],
    ['Order 395001 for 98765 43210 is late', { to: '+919876543210', referenceId: '395001' }],
    ['Re: Order ID: A-77. Please call 098765 43210.', { to: '+919876543210', referenceId: 'A-77' }],
    ['Ticket about ORD-77 (customer +44 20 7946 0958)', { to: '+442079460958', referenceId: 'ORD-77' }],
    ['order no. 395001.', { referenceId: '395001' }],
  ])('reads %j', (text, hints) => {
    expect(findOrderHints(text, IN_BUSINESS)).toEqual(hints);
  });

  it('reads a national number with the business number’s country, and not without it', () => {
    expect(findOrderHints('call 98765 43210', IN_BUSINESS).to).toBe('+919876543210');
    expect(findOrderHints('call 98765 43210').to).toBeUndefined();
  });

  it('takes the first of several, in order of appearance', () => {
    expect(findOrderHints('#111 then order 222 then ORD-333', IN_BUSINESS).referenceId).toBe('111');
    expect(findOrderHints('ORD-333 then #111', IN_BUSINESS).referenceId).toBe('ORD-333');
    expect(findOrderHints('+919876543210 or +919876543211', IN_BUSINESS).to).toBe('+919876543210');
  });

  it('does not take words, the phone number or an over-long token for a reference', () => {
    expect(findOrderHints('Order confirmed, thanks', IN_BUSINESS)).toEqual({});
    expect(findOrderHints('Call #919876543210', IN_BUSINESS).referenceId).toBeUndefined();
    expect(findOrderHints(`Order ${'9'.repeat(36)}`, IN_BUSINESS).referenceId).toBeUndefined();
    expect(findOrderHints(`Order ${'9'.repeat(35)}`, IN_BUSINESS).referenceId).toBe('9'.repeat(35));
  });

  it('never throws on odd input', () => {
    expect(findOrderHints('', IN_BUSINESS)).toEqual({});
    expect(findOrderHints(undefined as unknown as string, 'not a number')).toEqual({});
    expect(findOrderHints('#'.repeat(20_000), IN_BUSINESS)).toEqual({});
  });
});
