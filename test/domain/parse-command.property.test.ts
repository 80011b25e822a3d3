import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findInvisibleCharacter, validateOrderStatus } from '../../src/domain/order-status.ts';
import { parseOrderStatusCommand, parseSlashCommand } from '../../src/domain/parse-command.ts';
import {
  EXAMPLE_COUNTRIES,
  expectKaleyraAcceptable,
  HOSTILE_FRAGMENTS,
  hostileText,
  hugeText,
  typedNumber,
  typedStatus,
  validDescription,
  validReference,
} from '../support/arbitraries.ts';

const RUNS = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '«': '»' };

/** True when the parser would take `text` as a quoted description and drop the quotes. */
function looksQuoted(text: string): boolean {
  const trimmed = text.trim();
  const closing = QUOTES[trimmed.charAt(0)];
  return closing !== undefined && trimmed.length >= 2 && trimmed.endsWith(closing);
}

/** A line of words where some are valid pieces of a command and some are hostile. */
const mixedLine = fc
  .array(
    fc.oneof(
      typedNumber.map((n) => n.typed),
      validReference,
      typedStatus.map((s) => s.typed),
      validDescription,
      hostileText,
    ),
    { maxLength: 6 },
  )
  .chain((words) =>
    fc
      .array(fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u3000'), {
        minLength: words.length,
        maxLength: words.length,
      })
      .map((separators) => words.map((word, i) => word + (separators[i] ?? '')).join('')),
  );

/** A line that is a valid command: every run of the first property sees accepted lines too. */
const validLine = fc
  .tuple(typedNumber, validReference, typedStatus)
  .map(([number, reference, status]) => `${number.typed} ${reference} ${status.typed}`);

describe('parseOrderStatusCommand (properties)', () => {
  it('has example numbers for many countries to draw from', () => {
    expect(EXAMPLE_COUNTRIES.length).toBeGreaterThan(200);
  });

  it('never throws; an accepted line is something Kaleyra takes, and validating it again changes nothing', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(mixedLine, hostileText, validLine), (line) => {
        const parsed = parseOrderStatusCommand(line);
        if (!parsed.ok) {
          expect(Object.keys(parsed.issues).length).toBeGreaterThan(0);
          for (const value of Object.values(parsed.fields)) expect(typeof value).toBe('string');
          return;
        }
        accepted += 1;
        expectKaleyraAcceptable(parsed.request);
        expect(validateOrderStatus(parsed.request)).toEqual({ ok: true, value: parsed.request });
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(0);
  });

  it('never throws on ~100k-character lines', () => {
    fc.assert(
      fc.property(hugeText, fc.boolean(), (text, prefixed) => {
        const line = prefixed ? `+919876543210 395001 shipped ${text}` : text;
        const parsed = parseOrderStatusCommand(line);
        // Nothing that long is a valid update (a description is at most 120 characters), except a
        // valid line followed by nothing but whitespace, which is trimmed away.
        expect(parsed.ok).toBe(prefixed && text.trim() === '');
      }),
      { numRuns: 100 },
    );
  });

  it('never sends a line cut at the input limit as if it ended there (whitespace padding included)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(' ', '\t', '\u00a0', '\u3000'),
        fc.integer({ min: 4_000, max: 100_000 }),
        fc.constantFrom('Left the warehouse', 'x', '<!channel>'),
        (space, padding, tail) => {
          const parsed = parseOrderStatusCommand(
            `+919876543210 395001 shipped ${space.repeat(padding)}${tail}`,
          );
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) expect(Object.keys(parsed.issues)).toEqual(['description']);
          expect(parseSlashCommand(`+919876543210 395001 shipped ${space.repeat(padding)}${tail}`).kind).toBe(
            'modal',
          );
        },
      ),
      { numRuns: 50 },
    );
  });

  it('accepts every valid line and reads it back exactly (phone typed with spaces and dashes)', () => {
    fc.assert(
      fc.property(
        typedNumber,
        validReference,
        typedStatus,
        validDescription,
        fc.boolean(),
        (number, referenceId, status, description, quoted) => {
          fc.pre(quoted || !looksQuoted(description));
          const typedDescription = quoted ? `"${description}"` : description;
          const line = `${number.typed} ${referenceId} ${status.typed} ${typedDescription}`;
          const parsed = parseOrderStatusCommand(line);
          const expectedDescription = description.trim();
          expect(parsed).toEqual({
            ok: true,
            request: {
              to: number.e164,
              referenceId,
              status: status.status,
              ...(expectedDescription === '' ? {} : { description: expectedDescription }),
            },
          });
          if (parsed.ok) expectKaleyraAcceptable(parsed.request);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('keeps injection-like descriptions verbatim as text (they are data, not markup)', () => {
    const injected = fc
      .array(
        // Invisible format characters (U+202E…) are refused, not kept: see the next property.
        fc.constantFrom(
          ...HOSTILE_FRAGMENTS.filter(
            (f) => f.isWellFormed() && !SPACE_OR_CONTROL.test(f) && !findInvisibleCharacter(f),
          ),
        ),
        {
          minLength: 1,
          maxLength: 6,
        },
      )
      .map((parts) => parts.join(' '))
      .filter((text) => text.length <= 120 && !looksQuoted(text));
    fc.assert(
      fc.property(injected, (description) => {
        const parsed = parseOrderStatusCommand(`+919876543210 395001 shipped ${description}`);
        expect(parsed).toEqual({
          ok: true,
          request: { to: '+919876543210', referenceId: '395001', status: 'shipped', description },
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe('invisible format characters (properties)', () => {
  it('refuses a description or reference carrying one anywhere, naming it and its position', () => {
    const invisible = fc.constantFrom(...HOSTILE_FRAGMENTS.filter((f) => findInvisibleCharacter(f)));
    fc.assert(
      fc.property(validDescription, invisible, fc.nat(), (text, char, at) => {
        const chars = Array.from(text.trim() === '' ? 'x' : text.trim());
        const index = at % (chars.length + 1);
        chars.splice(index, 0, char);
        const description = chars.join('');
        const found = findInvisibleCharacter(description);
        expect(found?.position).toBe(Array.from(description).findIndex((c) => findInvisibleCharacter(c)) + 1);
        const result = validateOrderStatus({
          to: '+919876543210',
          referenceId: '395001',
          status: 'shipped',
          description,
        });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues.description).toContain(`${found?.code}`);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('parseSlashCommand (properties)', () => {
  it('never throws and always answers one of the five kinds', () => {
    fc.assert(
      fc.property(fc.oneof(mixedLine, hostileText), (text) => {
        const command = parseSlashCommand(text);
        expect(['help', 'config', 'send', 'modal', 'history']).toContain(command.kind);
        if (command.kind === 'send') {
          expectKaleyraAcceptable(command.request);
          expect(parseOrderStatusCommand(text.trim())).toEqual({ ok: true, request: command.request });
        }
        if (command.kind === 'modal' && text.trim() !== '') {
          expect(Object.keys(command.issues).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on ~100k-character text', () => {
    fc.assert(
      fc.property(hugeText, (text) => {
        const command = parseSlashCommand(text);
        expect(command.kind).not.toBe('send');
      }),
      { numRuns: 100 },
    );
  });

  it('sends every valid line, whatever the surrounding whitespace', () => {
    fc.assert(
      fc.property(
        typedNumber,
        validReference,
        typedStatus,
        fc.constantFrom('', ' ', '\t', '\n', '  \u00a0'),
        (number, referenceId, status, padding) => {
          const command = parseSlashCommand(
            `${padding}${number.typed} ${referenceId} ${status.typed}${padding}`,
          );
          expect(command).toEqual({
            kind: 'send',
            request: { to: number.e164, referenceId, status: status.status },
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads help and config in any case, and nothing else as them', () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constantFrom('help', 'config', 'settings', 'setup', '--help')), (word) => {
        expect(['help', 'config']).toContain(parseSlashCommand(` ${word} `).kind);
      }),
      { numRuns: 200 },
    );
  });
});
