import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateOrderStatus } from '../../src/domain/order-status.ts';
import { validateWorkspaceSettings } from '../../src/domain/workspace-settings.ts';
import {
  expectKaleyraAcceptable,
  expectUsableSettings,
  hostileText,
  hugeText,
  typedNumber,
  typedStatus,
  validDescription,
  validLanguageCode,
  validReference,
  validTemplateName,
} from '../support/arbitraries.ts';

const RUNS = 1000;

/** A field that is sometimes valid, sometimes hostile, sometimes missing or not a string at all. */
function field<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 2, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.anything() },
  );
}

const mixedOrderStatusInput = fc.record(
  {
    to: field(typedNumber.map((n) => n.typed)),
    referenceId: field(validReference),
    status: field(typedStatus.map((s) => s.typed)),
    description: field(validDescription),
    templateName: field(validTemplateName),
    languageCode: field(validLanguageCode),
  },
  { requiredKeys: [] },
);

const validSid = fc.stringMatching(/^[A-Za-z0-9]{4,64}$/);
const validApiKey = fc.stringMatching(/^[\x21-\x7e]{8,256}$/);
const typedPod = fc.mixedCase(fc.constantFrom('in', 'sg', 'eu', 'na'));

const mixedSettingsInput = fc.record(
  {
    sid: field(validSid),
    apiKey: field(validApiKey),
    pod: field(typedPod),
    businessNumber: field(typedNumber.map((n) => n.typed)),
    templateName: field(validTemplateName),
    languageCode: field(validLanguageCode),
    wabaId: field(fc.stringMatching(/^ ?\d{6,25} ?$/)),
  },
  { requiredKeys: [] },
);

type Validated<T> = { ok: true; value: T } | { ok: false; issues: Partial<Record<string, string>> };

/**
 * `validate` never throws on `mixed` input, anything at all or hostile text; a refusal always says
 * what to fix, even for input that is not an object at all.
 */
function expectNeverThrows<T>(validate: (input: unknown) => Validated<T>, mixed: fc.Arbitrary<unknown>) {
  fc.assert(
    fc.property(fc.oneof(mixed, fc.anything(), hostileText), (input) => {
      const result = validate(input);
      if (!result.ok) {
        expect(Object.keys(result.issues).length).toBeGreaterThan(0);
        for (const message of Object.values(result.issues)) expect(message).toMatch(/\S/);
      }
    }),
    { numRuns: RUNS },
  );
}

/**
 * Whatever `validate` accepts from `mixed` passes `expectUsable` and validates to itself; the
 * generator must actually reach the accepting branch for the property to mean anything.
 */
function expectAcceptsOnlyUsable<T>(
  validate: (input: unknown) => Validated<T>,
  mixed: fc.Arbitrary<unknown>,
  expectUsable: (value: T) => void,
) {
  let accepted = 0;
  fc.assert(
    fc.property(mixed, (input) => {
      const result = validate(input);
      if (!result.ok) return;
      accepted += 1;
      expectUsable(result.value);
      expect(validate(result.value)).toEqual(result);
    }),
    { numRuns: RUNS },
  );
  expect(accepted).toBeGreaterThan(RUNS / 20);
}

/** A valid update but for its description. */
const withDescription = (description: string) =>
  validateOrderStatus({ to: '+919876543210', referenceId: '395001', status: 'shipped', description });

describe('validateOrderStatus (properties)', () => {
  it('never throws, whatever the input', () => {
    expectNeverThrows(validateOrderStatus, mixedOrderStatusInput);
  });

  it('never throws on huge field values, and rejects them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('to', 'referenceId', 'status', 'description', 'templateName', 'languageCode'),
        hugeText,
        (key, text) => {
          const input: Record<string, unknown> = {
            to: '+919876543210',
            referenceId: '395001',
            status: 'shipped',
          };
          input[key] = text;
          const result = validateOrderStatus(input);
          // JavaScript's trim also removes U+FEFF, which the validation refuses rather than hides.
          if (key === 'description' && !text.includes('\uFEFF') && text.trim() === '') {
            // A description of nothing but whitespace is no description.
            expect(result).toMatchObject({ ok: true, value: { status: 'shipped' } });
            expect(result.ok && result.value.description).toBeUndefined();
            return;
          }
          // Over 4 000 units cannot fit any field (the longest allowed, the template name, is 512).
          expect(result.ok).toBe(false);
          if (!result.ok) expect(Object.keys(result.issues)).toEqual([key]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('accepts only what Kaleyra takes, and accepting again changes nothing', () => {
    expectAcceptsOnlyUsable(validateOrderStatus, mixedOrderStatusInput, expectKaleyraAcceptable);
  });

  it('always accepts valid input, normalised to E.164 and Kaleyra’s status word', () => {
    fc.assert(
      fc.property(
        typedNumber,
        validReference,
        typedStatus,
        fc.option(validDescription, { nil: undefined }),
        fc.option(validTemplateName, { nil: undefined }),
        fc.option(validLanguageCode, { nil: undefined }),
        (number, referenceId, status, description, templateName, languageCode) => {
          const input: Record<string, string> = { to: number.typed, referenceId, status: status.typed };
          if (description !== undefined) input.description = description;
          if (templateName !== undefined) input.templateName = templateName;
          if (languageCode !== undefined) input.languageCode = languageCode;
          const result = validateOrderStatus(input);
          expect(result).toMatchObject({ ok: true });
          if (!result.ok) return;
          expectKaleyraAcceptable(result.value);
          expect(result.value.to).toBe(number.e164);
          expect(result.value.referenceId).toBe(referenceId);
          expect(result.value.status).toBe(status.status);
          const trimmed = description?.trim();
          expect(result.value.description).toBe(trimmed === '' ? undefined : trimmed);
          expect(result.value.templateName).toBe(templateName);
          expect(result.value.languageCode).toBe(languageCode);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('refuses a description with any control character or line break, wherever it sits', () => {
    const control = fc.oneof(
      fc.integer({ min: 0, max: 0x1f }),
      fc.integer({ min: 0x7f, max: 0x9f }),
      fc.constantFrom(0x2028, 0x2029),
    );
    fc.assert(
      fc.property(validDescription, control, fc.nat(), (text, code, at) => {
        const base = text.trim().slice(0, 100) || 'x';
        const position = 1 + (at % base.length);
        const description = `${base.slice(0, position)}${String.fromCharCode(code)}${base.slice(position)}x`;
        const result = withDescription(description);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(Object.keys(result.issues)).toEqual(['description']);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a description of 121 UTF-16 units or more, even of emoji', () => {
    fc.assert(
      fc.property(fc.constantFrom('d', 'é', '😀', '👩‍👩‍👧', '<!channel>'), (unit) => {
        const description = unit.repeat(Math.ceil(121 / unit.length)).slice(0, 121);
        expect(description.length).toBe(121);
        expect(withDescription(description).ok).toBe(false);
      }),
    );
  });
});

describe('validateWorkspaceSettings (properties)', () => {
  it('never throws, whatever the input', () => {
    expectNeverThrows(validateWorkspaceSettings, mixedSettingsInput);
  });

  it('accepts only usable settings, and accepting again changes nothing', () => {
    expectAcceptsOnlyUsable(validateWorkspaceSettings, mixedSettingsInput, expectUsableSettings);
  });

  it('always accepts valid settings and keeps the business number as E.164', () => {
    fc.assert(
      fc.property(validSid, validApiKey, typedPod, typedNumber, (sid, apiKey, pod, number) => {
        const result = validateWorkspaceSettings({ sid, apiKey, pod, businessNumber: number.typed });
        expect(result).toMatchObject({ ok: true });
        if (!result.ok) return;
        expectUsableSettings(result.value);
        expect(result.value).toMatchObject({
          sid,
          apiKey,
          pod: pod.toLowerCase(),
          businessNumber: number.e164,
        });
      }),
      { numRuns: RUNS },
    );
  });
});
