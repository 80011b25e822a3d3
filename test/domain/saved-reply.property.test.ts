import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fillSavedReply,
  PLACEHOLDERS,
  type Placeholder,
  parseSavedReplyText,
  readSavedReplyName,
  readSavedReplyText,
  SAVED_REPLY_NAME_MAX,
} from '../../src/domain/saved-reply.ts';
import { SESSION_TEXT_MAX } from '../../src/domain/session-text.ts';
import { hostileText } from '../support/arbitraries.ts';

const runs = { numRuns: 300 };
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const placeholder = fc.constantFrom(...PLACEHOLDERS);
/** Literal text a writer means as it is: braces included, and no placeholder-shaped word in braces. */
const literal = fc
  .string({
    unit: fc.constantFrom('a', 'Z', '9', ' ', '{', '}', 'é', '😀', '\n', ',', 'e', 'n'),
    maxLength: 30,
  })
  .filter((text) => !/\{\s*(name|order|status|agent)\s*\}/i.test(text));
const doubled = (text: string) => text.replace(/\{/g, '{{').replace(/\}/g, '}}');
/** A value a send might have: a word or two, nothing to clean. */
const simpleValue = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$/);
const part = fc.oneof(
  literal.map((text) => ({ text })),
  placeholder.map((p) => ({ placeholder: p })),
);

describe('saved replies, whatever is typed', () => {
  it('reading a name or a text, and filling one in, answer and never throw', () => {
    fc.assert(
      fc.property(hostileText, hostileText, (typed, value) => {
        const name = readSavedReplyName(typed);
        if (name.ok) {
          expect(name.name.length).toBeGreaterThan(0);
          expect(name.name.length).toBeLessThanOrEqual(SAVED_REPLY_NAME_MAX);
          expect(name.name).toBe(name.name.trim());
          expect(CONTROL.test(name.name)).toBe(false);
          // The key is the name's whatever its case.
          expect(readSavedReplyName(name.name)).toEqual(name);
        } else expect(name.issue).not.toBe('');
        const text = readSavedReplyText(typed);
        if (!text.ok) return;
        const values = Object.fromEntries(PLACEHOLDERS.map((p) => [p, value]));
        const filled = fillSavedReply(text.text, values);
        if (filled.ok) expect(filled.text.length).toBeLessThanOrEqual(SESSION_TEXT_MAX);
        else expect(['unfilled', 'too_long']).toContain(filled.reason);
      }),
      runs,
    );
  });

  it('a text written with doubled braces reads back as the literal it escapes', () => {
    fc.assert(
      fc.property(literal, (text) => {
        fc.pre(text.trim() !== '');
        const parsed = parseSavedReplyText(doubled(text));
        expect(parsed).toEqual({ ok: true, parts: [{ text }] });
      }),
      runs,
    );
  });

  it('filled in, every placeholder is its value and every literal as written', () => {
    const values = fc.record({
      name: simpleValue,
      order: simpleValue,
      status: simpleValue,
      agent: simpleValue,
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 12 }), values, (parts, given) => {
        const written = parts.map((p) => ('text' in p ? doubled(p.text) : `{${p.placeholder}}`)).join('');
        const expected = parts.map((p) => ('text' in p ? p.text : given[p.placeholder])).join('');
        // Two literal parts side by side may spell a placeholder between them: refused, as asked.
        fc.pre(
          !/\{\s*(name|order|status|agent)\s*\}/i.test(
            parts.map((p) => ('text' in p ? p.text : '|')).join(''),
          ),
        );
        const read = readSavedReplyText(written);
        if (expected.trim() === '') return;
        expect(read.ok).toBe(true);
        expect(fillSavedReply(written, given)).toEqual({ ok: true, text: expected.trim() });
      }),
      runs,
    );
  });

  it('a used placeholder without a value is refused by name, whatever the others hold', () => {
    fc.assert(
      fc.property(placeholder, fc.array(placeholder), hostileText, (missing, others, value) => {
        const text = ['Hello', ...others.map((p) => `{${p}}`), `{${missing}}`].join(' ');
        const values: Partial<Record<Placeholder, string>> = Object.fromEntries(
          PLACEHOLDERS.map((p) => [p, `${p}-${value.slice(0, 20)}`]),
        );
        delete values[missing];
        expect(fillSavedReply(text, values)).toEqual({ ok: false, reason: 'unfilled', placeholder: missing });
      }),
      runs,
    );
  });

  it('an unknown placeholder is refused, named as written', () => {
    const word = fc
      .stringMatching(/^[A-Za-z_ ]{1,20}$/)
      .filter((w) => !(PLACEHOLDERS as readonly string[]).includes(w));
    fc.assert(
      fc.property(word, (w) => {
        const read = readSavedReplyText(`Hi {${w}}!`);
        expect(read.ok ? '' : read.issue).toContain(`Unknown placeholder {${w}}.`);
      }),
      runs,
    );
  });
});
