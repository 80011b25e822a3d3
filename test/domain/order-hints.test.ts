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

describe('findOrderHints on a hostile paste', () => {
  // Each of these once took the process for seconds to minutes (the time grew with the cube of the
  // run): 10,000 characters is the length findOrderHints reads, so each must finish like any message.
  const run = (unit: string, length = 9_990) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  it.each([
    ['order, 9,990 spaces, !', `order${run(' ')}!`, {}],
    ['order no, spaces, :, spaces', `order no${run(' ', 4_990)}:${run(' ', 4_990)}!`, {}],
    ['order #, then tabs and newlines', `Order #${run('\t\n ')}`, {}],
    ['a reference of 9,990 dashes', `#a${run('-')}b`, {}],
    // Trailing punctuation ends a sentence, however long: the reference is what comes before it.
    ['a reference ending in 9,990 dots', `order A1${run('.')}`, { referenceId: 'A1' }],
    ['ORD- and 9,990 underscores', `ORD-1${run('_')}!`, { referenceId: 'ORD-1' }],
    ['9,990 capitals and a dash', `${run('A')}-1`, {}],
    ['#, 9,990 letters, a digit', `#${run('a')}1`, {}],
    ['9,990 #', run('#'), {}],
    ['order again and again', run('order '), {}],
    ['digits with spaces', run('9 '), {}],
    ['nested quotes', run('"\'“‘«'), {}],
    ['a reference after the run', `order${run(' ', 9_000)}395001`, { referenceId: '395001' }],
  ])('%s', (_name, text, hints) => {
    expect(findOrderHints(text, IN_BUSINESS)).toEqual(hints);
  });
});
