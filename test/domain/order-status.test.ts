import { describe, expect, it } from 'vitest';
import {
  normaliseStatus,
  ORDER_STATUSES,
  validateOrderStatus,
  validPhoneNumber,
} from '../../src/domain/order-status.ts';

const valid = { to: '+919876543210', referenceId: '395001', status: 'shipped' };

describe('OrderStatusSchema', () => {
  it('accepts a minimal valid update and keeps no empty optional keys', () => {
    const result = validateOrderStatus(valid);
    expect(result).toEqual({ ok: true, value: valid });
  });

  it.each([
    ['+91 98765-43210', '+919876543210'],
    ['+1 (650) 555-0123', '+16505550123'],
    ['+44 20 7946 0958', '+442079460958'],
  ])('normalises %s to %s', (to, expected) => {
    const result = validateOrderStatus({ ...valid, to });
    expect(result.ok && result.value.to).toBe(expected);
  });

  it.each([
    ['919876543210', 'Start the number with +'],
    ['+91 12345', 'not a valid phone number'],
    ['+1 555 0000000', 'not a valid phone number'],
    ['+9198765432101234', '7 to 15 digits'],
    ['+658123', '7 to 15 digits'],
    ['+91abc9876543210', 'digits only'],
    ['', 'Enter the customer'],
  ])('rejects the phone number %j', (to, message) => {
    const result = validateOrderStatus({ ...valid, to });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.to).toContain(message);
  });

  it('accepts a 35-character reference and rejects 36', () => {
    const ref35 = 'A'.repeat(35);
    expect(validateOrderStatus({ ...valid, referenceId: ref35 }).ok).toBe(true);
    const result = validateOrderStatus({ ...valid, referenceId: `${ref35}B` });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.referenceId).toContain('at most 35');
  });

  it('trims the reference and accepts letters, digits, _ - .', () => {
    const result = validateOrderStatus({ ...valid, referenceId: '  ORD-2026_11.26  ' });
    expect(result.ok && result.value.referenceId).toBe('ORD-2026_11.26');
  });

  it.each(['', '   ', 'ORD#1', 'ORD 1', 'ordé'])('rejects the reference %j', (referenceId) => {
    const result = validateOrderStatus({ ...valid, referenceId });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.referenceId).toBeDefined();
  });

  it.each([
    ['processing', 'processing'],
    ['SHIPPED', 'shipped'],
    ['Cancelled', 'canceled'],
    ['canceled', 'canceled'],
    ['partially-shipped', 'partially_shipped'],
    ['partially shipped', 'partially_shipped'],
    ['Partially_Shipped', 'partially_shipped'],
    ['completed', 'completed'],
  ])('reads the status %j as %s', (status, expected) => {
    const result = validateOrderStatus({ ...valid, status });
    expect(result.ok && result.value.status).toBe(expected);
  });

  it('rejects an unknown status and lists the five', () => {
    const result = validateOrderStatus({ ...valid, status: 'delivered' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.status).toBe(`Choose one of: ${ORDER_STATUSES.join(', ')}.`);
  });

  it('accepts a 120-character description and rejects 121', () => {
    const d120 = 'x'.repeat(120);
    const ok = validateOrderStatus({ ...valid, description: d120 });
    expect(ok.ok && ok.value.description).toBe(d120);
    const result = validateOrderStatus({ ...valid, description: `${d120}y` });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.description).toContain('at most 120');
  });

  it('counts the description after trimming, and drops a blank one', () => {
    const padded = ` ${'x'.repeat(120)} `;
    expect(validateOrderStatus({ ...valid, description: padded }).ok).toBe(true);
    const blank = validateOrderStatus({ ...valid, description: '   ' });
    expect(blank).toEqual({ ok: true, value: valid });
  });

  it('rejects line breaks and control characters in the description', () => {
    for (const description of ['line\nbreak', 'tab\there', 'nul\u0000']) {
      expect(validateOrderStatus({ ...valid, description }).ok).toBe(false);
    }
  });

  it.each([
    ['+9109876543210', '+919876543210'],
    ['+91 098765 43210', '+919876543210'],
    ['+44 07911 123456', '+447911123456'],
    ['+39 06 6982 1234', '+390669821234'],
  ])('stores %s in its canonical E.164 form %s (a trunk 0 is not part of the number)', (to, expected) => {
    const result = validateOrderStatus({ ...valid, to });
    expect(result.ok && result.value.to).toBe(expected);
  });

  it.each([
    ['LEFT-TO-RIGHT MARK', '\u200E'],
    ['RIGHT-TO-LEFT MARK', '\u200F'],
    ['LEFT-TO-RIGHT EMBEDDING', '\u202A'],
    ['RIGHT-TO-LEFT EMBEDDING', '\u202B'],
    ['POP DIRECTIONAL FORMATTING', '\u202C'],
    ['LEFT-TO-RIGHT OVERRIDE', '\u202D'],
    ['RIGHT-TO-LEFT OVERRIDE', '\u202E'],
    ['LEFT-TO-RIGHT ISOLATE', '\u2066'],
    ['RIGHT-TO-LEFT ISOLATE', '\u2067'],
    ['FIRST STRONG ISOLATE', '\u2068'],
    ['POP DIRECTIONAL ISOLATE', '\u2069'],
    ['ZERO WIDTH SPACE', '\u200B'],
    ['WORD JOINER', '\u2060'],
    ['ZERO WIDTH NO-BREAK SPACE', '\uFEFF'],
  ])('rejects the invisible %s in a description and a reference, naming it and where', (name, char) => {
    const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    const description = validateOrderStatus({ ...valid, description: `Refund ${char}fdp.exe` });
    expect(description.ok).toBe(false);
    if (!description.ok) {
      expect(description.issues.description).toContain(code);
      expect(description.issues.description).toContain(name);
      expect(description.issues.description).toContain('character 8');
    }
    // At either end too, where trimming would otherwise hide it.
    for (const referenceId of [`ORD${char}1`, `${char}395001`, `395001${char}`]) {
      const reference = validateOrderStatus({ ...valid, referenceId });
      expect(reference.ok).toBe(false);
      if (!reference.ok) {
        expect(reference.issues.referenceId).toContain(code);
        expect(reference.issues.referenceId).toContain(
          `character ${Array.from(referenceId).indexOf(char) + 1}`,
        );
      }
    }
  });

  it('keeps the zero-width joiner and non-joiner that Indic scripts, Persian and emoji need', () => {
    for (const description of ['क्\u200Dष आया', 'می\u200Cخواهم', 'Family 👨\u200D👩\u200D👧 order']) {
      const result = validateOrderStatus({ ...valid, description });
      expect(result.ok && result.value.description).toBe(description);
    }
  });

  it('limits the template name to 512 characters of Meta’s alphabet', () => {
    expect(validateOrderStatus({ ...valid, templateName: 'a'.repeat(512) }).ok).toBe(true);
    expect(validateOrderStatus({ ...valid, templateName: 'a'.repeat(513) }).ok).toBe(false);
    expect(validateOrderStatus({ ...valid, templateName: 'Order Status' }).ok).toBe(false);
  });

  it.each([
    ['en', true],
    ['en_US', true],
    ['fil', true],
    ['EN', false],
    ['en-US', false],
    ['english', false],
  ])('language code %j valid: %s', (languageCode, ok) => {
    expect(validateOrderStatus({ ...valid, languageCode }).ok).toBe(ok);
  });

  it('reports every wrong field at once', () => {
    const result = validateOrderStatus({ to: '123', referenceId: '', status: 'lost' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.issues).sort()).toEqual(['referenceId', 'status', 'to']);
  });

  it('does not throw on non-object input', () => {
    for (const input of [null, undefined, 42, 'text', [], { to: 1 }]) {
      expect(validateOrderStatus(input).ok).toBe(false);
    }
  });

  it('normaliseStatus is idempotent', () => {
    for (const s of ['Cancelled', 'partially shipped', ' SHIPPED ', 'x']) {
      expect(normaliseStatus(normaliseStatus(s))).toBe(normaliseStatus(s));
    }
  });
});

describe('validPhoneNumber', () => {
  it('gives the one E.164 spelling of a valid number, the same when asked again, and undefined otherwise', () => {
    for (let i = 0; i < 2; i++) {
      expect(validPhoneNumber('+9109876543210')).toBe('+919876543210');
      expect(validPhoneNumber('+919876543210')).toBe('+919876543210');
      expect(validPhoneNumber('+8001234567')).toBeUndefined();
      expect(validPhoneNumber('+999123456789')).toBeUndefined();
      expect(validPhoneNumber('+91')).toBeUndefined();
    }
    // More numbers than it keeps answers for: each still answered afresh.
    for (let n = 0; n < 20; n++)
      expect(validPhoneNumber(`+9198765432${String(n).padStart(2, '0')}`)).toMatch(/^\+91/);
  });
});
