import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { createCipher, parseEncryptionKeys } from '../../src/storage/encryption.ts';

const RUNS = 500;
const current = randomBytes(32).toString('base64');
const older = randomBytes(32).toString('base64');
const cipher = createCipher(parseEncryptionKeys(`new:${current},old:${older}`));
const oldCipher = createCipher(parseEncryptionKeys(`old:${older}`));

/** Well-formed Unicode of any plane, control characters included, up to a few hundred bytes. */
const shortText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 32 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 64 }) },
);
/** The same, sometimes long. */
const text = fc.oneof(
  { weight: 7, arbitrary: shortText },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1_000, maxLength: 5_000 }) },
);
const aad = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.stringMatching(/^[TE][A-Z0-9]{8,10}$/));

const PARTS = ['version', 'key id', 'iv', 'tag', 'ciphertext'] as const;

/** Which part of `v1.<keyId>.<iv>.<tag>.<ciphertext>` the character at `index` belongs to (or a dot). */
function partAt(stored: string, index: number): string {
  let part = 0;
  for (let i = 0; i < index; i++) if (stored[i] === '.') part++;
  return stored[index] === '.' ? 'separator' : (PARTS[part] ?? 'beyond');
}

function expectRefused(run: () => string, original: string): void {
  let result: string | undefined;
  try {
    result = run();
  } catch (error) {
    expect(error).toBeInstanceOf(StorageError);
    return;
  }
  // Neither a different plaintext nor the same one: an altered record must not be readable at all.
  expect.fail(
    `decrypt accepted an altered record (returned ${result === original ? 'the original' : 'other'} text)`,
  );
}

describe('encryption (properties)', () => {
  it('round-trips any well-formed Unicode plaintext under any AAD', () => {
    fc.assert(
      fc.property(text, aad, (plaintext, context) => {
        const stored = cipher.encrypt(plaintext, context);
        expect(stored).toMatch(/^v1\.new\.[\w-]{16}\.[\w-]{22}\.[\w-]*$/);
        expect(cipher.decrypt(stored, context)).toBe(plaintext);
        expect(cipher.needsReencrypt(stored)).toBe(false);
        if (plaintext.length >= 4) expect(stored).not.toContain(plaintext);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads records written with an older listed key, and says they need rewriting', () => {
    fc.assert(
      fc.property(text, aad, (plaintext, context) => {
        const stored = oldCipher.encrypt(plaintext, context);
        expect(cipher.decrypt(stored, context)).toBe(plaintext);
        expect(cipher.needsReencrypt(stored)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a record with any single byte changed, in any part', () => {
    const seenParts = new Set<string>();
    fc.assert(
      fc.property(
        text,
        aad,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (plaintext, context, position, mask) => {
          const stored = cipher.encrypt(plaintext, context);
          const bytes = Buffer.from(stored, 'latin1');
          const index = position % bytes.length;
          seenParts.add(partAt(stored, index));
          bytes[index] = (bytes[index] ?? 0) ^ mask;
          const altered = bytes.toString('latin1');
          expect(altered).not.toBe(stored);
          expectRefused(() => cipher.decrypt(altered, context), plaintext);
        },
      ),
      { numRuns: 2_000 },
    );
    // The generator reached every part of the record, the dots between them included.
    expect([...seenParts].sort()).toEqual([...PARTS, 'separator'].sort());
  });

  it('refuses a record with one base64url character swapped for another, in every position', () => {
    // Exhaustive over positions for one record: the subtle case is a swap that decodes to the same bytes
    // (a part's last character), whatever the part's length modulo 3. Short records reach every such
    // case; a 20 kB one would cost a decryption of itself per position (a minute of CPU on a busy
    // machine) for more of the same middle positions, which the single-byte property covers long.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(shortText, aad, fc.nat(), (plaintext, context, seed) => {
        const stored = cipher.encrypt(plaintext, context);
        for (let index = 0; index < stored.length; index++) {
          const original = stored[index] as string;
          if (original === '.') continue;
          const replacement = alphabet[(alphabet.indexOf(original) + 1 + (seed % 63)) % 64] as string;
          if (replacement === original) continue;
          const altered = `${stored.slice(0, index)}${replacement}${stored.slice(index + 1)}`;
          expectRefused(() => cipher.decrypt(altered, context), plaintext);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a different AAD (another workspace)', () => {
    fc.assert(
      fc.property(text, aad, aad, (plaintext, context, other) => {
        fc.pre(context !== other);
        const stored = cipher.encrypt(plaintext, context);
        expectRefused(() => cipher.decrypt(stored, other), plaintext);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses text that cannot round-trip (lone surrogates) rather than storing something else', () => {
    const lone = fc
      .tuple(
        fc.string({ maxLength: 8 }),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.string({ maxLength: 8 }),
      )
      .map(([before, code, after]) => `${before}${String.fromCharCode(code)}${after}`)
      .filter((value) => !value.isWellFormed());
    fc.assert(
      fc.property(lone, aad, (bad, context) => {
        // Encoded as UTF-8 a lone surrogate becomes U+FFFD: the key read back would not be the key stored,
        // and two different AADs would bind the same record.
        expect(() => cipher.encrypt(bad, context)).toThrow();
        expect(() => cipher.encrypt('secret', bad)).toThrow();
        const stored = cipher.encrypt('secret', bad.toWellFormed());
        expectRefused(() => cipher.decrypt(stored, bad), 'secret');
      }),
      { numRuns: 200 },
    );
  });

  it('refuses records with parts added, removed, swapped or re-keyed', () => {
    fc.assert(
      fc.property(text, aad, (plaintext, context) => {
        const stored = cipher.encrypt(plaintext, context);
        const [version, keyId, iv, tag, body] = stored.split('.') as [string, string, string, string, string];
        const other = cipher.encrypt(plaintext, context).split('.');
        for (const altered of [
          `${stored}.`,
          `${stored}.AAAA`,
          [version, keyId, iv, tag].join('.'),
          [version, keyId, tag, iv, body].join('.'),
          [version, 'old', iv, tag, body].join('.'),
          [version, 'unknown', iv, tag, body].join('.'),
          ['v2', keyId, iv, tag, body].join('.'),
          [version, keyId, other[2], tag, body].join('.'),
          [version, keyId, iv, other[3], body].join('.'),
          [version, keyId, iv, tag, `${body}AA`].join('.'),
          [version, keyId, iv, tag, body.slice(0, -1)].join('.'),
          ` ${stored}`,
          `${stored}\n`,
          stored.replace(/-/g, '+').replace(/_/g, '/'),
        ]) {
          if (altered === stored) continue;
          expectRefused(() => cipher.decrypt(altered, context), plaintext);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
