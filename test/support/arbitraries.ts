import fc from 'fast-check';
import {
  type CountryCode,
  getCountries,
  getExampleNumber,
  isValidPhoneNumber,
  parsePhoneNumberWithError,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { expect } from 'vitest';
import {
  findInvisibleCharacter,
  ORDER_STATUSES,
  type OrderStatus,
  type OrderStatusRequest,
} from '../../src/domain/order-status.ts';
import type { WorkspaceSettings } from '../../src/domain/workspace-settings.ts';

/** Shared fast-check generators and the "Kaleyra would take this" checks for the property tests. */

export const E164 = /^\+[1-9]\d{6,14}$/;
const REFERENCE = /^[A-Za-z0-9_.-]{1,35}$/;
const TEMPLATE = /^[a-z0-9_]+$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Text that has hurt parsers, Slack renderers and SQL before. */
export const HOSTILE_FRAGMENTS = [
  '<!channel>',
  '<!here>',
  '<@U123ABC>',
  '<https://x|y>',
  '<https://evil.example/?a=1|click me>',
  "'; DROP TABLE keyv; --",
  '"; DELETE FROM send_journal; --',
  '{{',
  '}}',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template-injection text is the point
  '${}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template-injection text is the point
  '${process.exit(1)}',
  '`',
  '{"to":"+919876543210"}',
  '[1,2,{"a":null}]',
  '{"__proto__":{"polluted":true}}',
  '\\',
  '\\u0000',
  '%00',
  '%s%n',
  '&amp;&lt;&gt;',
  '*bold*',
  '_it_',
  '~s~',
  '```',
  '\u202e', // right-to-left override
  '\u202d',
  '\u200f', // right-to-left mark
  '\u200e',
  '\u200b', // zero-width space
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00a0',
  '\u3000',
  '\u2028',
  '\u2029',
  '\u0085',
  '\r\n',
  '\n',
  '\r',
  '\t',
  '\v',
  '\f',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\ud83d\ude00',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '👩‍👩‍👧',
  'é',
  'é',
  '٣', // Arabic-Indic digit
  '９', // full-width digit
  '+',
  '++',
  '+91',
  '+919876543210',
  '9876543210',
  '395001',
  'shipped',
  'SHIPPED',
  'partially',
  'partially shipped',
  'cancelled',
  'help',
  'config',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '«',
  '»',
  ' ',
  '  ',
  '-',
  '.',
  '_',
  '(',
  ')',
] as const;

/** Any UTF-16 code unit, lone surrogates included (what a hostile JSON payload can carry). */
const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

const hostileUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: utf16Unit },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
);

/** Strings up to ~100 000 UTF-16 units: a short hostile piece repeated. */
export const hugeText = fc
  .tuple(
    fc.string({ unit: hostileUnit, minLength: 1, maxLength: 6 }),
    fc.integer({ min: 4_000, max: 100_000 }),
  )
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

/** Arbitrary text, weighted towards what breaks things; occasionally huge. */
export const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: hostileUnit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: utf16Unit, maxLength: 200 }) },
  { weight: 1, arbitrary: hugeText },
);

/** Text as long as `max`, made of what grows most when escaped or quoted, or anything hostile. */
export const grownText = (max: number) =>
  fc.oneof(
    fc
      .constantFrom('&', '<', '>', '\n', '@channel ', '😀', 'R&D ')
      .map((piece) => piece.repeat(max).slice(0, max)),
    hostileText,
  );

/** Every region whose example mobile number is valid and E.164-shaped (all of them, at the time of writing). */
export const EXAMPLE_COUNTRIES: readonly CountryCode[] = getCountries().filter((country) => {
  const example = getExampleNumber(country, examples);
  return example !== undefined && isValidPhoneNumber(example.number) && E164.test(example.number);
});

export type ValidNumber = { country: CountryCode; e164: string };

/**
 * A valid mobile number of a random region: the region's example with its last digits varied, kept
 * only when libphonenumber still calls it valid (otherwise the example itself).
 */
export const validNumber: fc.Arbitrary<ValidNumber> = fc
  .tuple(
    fc.constantFrom(...EXAMPLE_COUNTRIES),
    fc.integer({ min: 0, max: 999 }),
    fc.integer({ min: 1, max: 3 }),
  )
  .map(([country, seed, digits]) => {
    const example = getExampleNumber(country, examples)?.number as string;
    const varied = `${example.slice(0, -digits)}${String(seed).padStart(3, '0').slice(-digits)}`;
    return { country, e164: isValidPhoneNumber(varied) ? varied : example };
  });

/**
 * The number as an agent might type it: libphonenumber's international format, or the bare E.164 with
 * dashes and (at most five) spaces between the digits.
 */
export const typedNumber: fc.Arbitrary<ValidNumber & { typed: string }> = validNumber.chain((number) => {
  const digits = number.e164.slice(1);
  const formatted = parsePhoneNumberWithError(number.e164).formatInternational();
  const separated = fc
    .array(fc.constantFrom('', '', '', '-', ' ', '  ', ' - ', '\u00a0'), {
      minLength: digits.length - 1,
      maxLength: digits.length - 1,
    })
    .map((separators) => `+${[...digits].map((digit, i) => digit + (separators[i] ?? '')).join('')}`)
    // At most six words: nobody types a number in more pieces than that, and the parser stops there.
    .filter((typed) => typed.split(/\s+/).length <= 6);
  return fc
    .oneof(fc.constant(number.e164), fc.constant(formatted), separated)
    .map((typed) => ({ ...number, typed }));
});

export const validReference = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-'),
  minLength: 1,
  maxLength: 35,
});

/** A status as typed: the canonical word or an accepted spelling, in any case; with its canonical form. */
export const typedStatus: fc.Arbitrary<{ typed: string; status: OrderStatus }> = fc
  .constantFrom(
    ...ORDER_STATUSES.map((status) => ({ typed: status, status })),
    { typed: 'cancelled', status: 'canceled' as const },
    { typed: 'partially-shipped', status: 'partially_shipped' as const },
    { typed: 'partially shipped', status: 'partially_shipped' as const },
  )
  .chain(({ typed, status }) => fc.mixedCase(fc.constant(typed)).map((cased) => ({ typed: cased, status })));

/** A description Kaleyra accepts as typed: printable, one line, at most 120 UTF-16 units once trimmed. */
export const validDescription = fc
  .string({
    unit: fc.oneof(fc.constantFrom(...'<>&*_~`"\'“”«» -.,!?'), fc.string({ unit: 'grapheme', maxLength: 1 })),
    maxLength: 60,
  })
  .map((text) => text.slice(0, 120))
  .filter(
    (text) =>
      !CONTROL.test(text) &&
      text.isWellFormed() &&
      text.trim().length <= 120 &&
      !findInvisibleCharacter(text),
  );

export const validTemplateName = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_'),
  minLength: 1,
  maxLength: 512,
});

export const validLanguageCode = fc.constantFrom('en', 'en_US', 'fil', 'zh_HK', 'pt_BR', 'hi', 'es_MX');

/** Asserts `request` is something Kaleyra's order-status template takes, field by field. */
export function expectKaleyraAcceptable(request: OrderStatusRequest): void {
  expect(request.to).toMatch(E164);
  expect(isValidPhoneNumber(request.to)).toBe(true);
  expect(request.referenceId).toMatch(REFERENCE);
  expect(ORDER_STATUSES).toContain(request.status);
  if (request.description !== undefined) {
    expect(request.description.length).toBeGreaterThan(0);
    expect(request.description.length).toBeLessThanOrEqual(120);
    expect(request.description).not.toMatch(CONTROL);
    expect(request.description).toBe(request.description.trim());
    // A lone surrogate is not text: it cannot be encoded as the UTF-8 WhatsApp shows.
    expect(request.description.isWellFormed()).toBe(true);
  }
  if (request.templateName !== undefined) {
    expect(request.templateName.length).toBeLessThanOrEqual(512);
    expect(request.templateName).toMatch(TEMPLATE);
  }
  if (request.languageCode !== undefined) expect(request.languageCode).toMatch(LANGUAGE);
  const allowed = ['to', 'referenceId', 'status', 'description', 'templateName', 'languageCode'];
  for (const key of Object.keys(request)) expect(allowed).toContain(key);
}

/** Asserts workspace settings are usable for a send: the business number is a valid E.164 sender. */
export function expectUsableSettings(settings: WorkspaceSettings): void {
  expect(settings.sid).toMatch(/^[A-Za-z0-9]{4,64}$/);
  expect(settings.apiKey).toMatch(/^[\x21-\x7e]{8,256}$/);
  expect(['in', 'sg', 'eu', 'na']).toContain(settings.pod);
  expect(settings.businessNumber).toMatch(E164);
  expect(isValidPhoneNumber(settings.businessNumber)).toBe(true);
  expect(settings.templateName.length).toBeLessThanOrEqual(512);
  expect(settings.templateName).toMatch(TEMPLATE);
  expect(settings.languageCode).toMatch(LANGUAGE);
  if (settings.wabaId !== undefined) expect(settings.wabaId).toMatch(/^\d{6,25}$/);
}
