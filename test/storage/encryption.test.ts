import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { createCipher, loadOrCreateEmbeddedKey, parseEncryptionKeys } from '../../src/storage/encryption.ts';

const newKey = () => randomBytes(32).toString('base64');
const WORKSPACE = 'T0123ABCD';

function flipCiphertextBit(stored: string): string {
  const parts = stored.split('.');
  const ciphertext = Buffer.from(parts[4] ?? '', 'base64url');
  ciphertext[0] = (ciphertext[0] ?? 0) ^ 0x80;
  parts[4] = ciphertext.toString('base64url');
  return parts.join('.');
}

describe('createCipher', () => {
  const cipher = createCipher(parseEncryptionKeys(newKey()));

  it('round-trips, with a fresh IV every time', () => {
    const a = cipher.encrypt('secret-api-key', WORKSPACE);
    const b = cipher.encrypt('secret-api-key', WORKSPACE);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.k[0-9a-f]{8}\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toContain('secret');
    expect(cipher.decrypt(a, WORKSPACE)).toBe('secret-api-key');
    expect(cipher.decrypt(cipher.encrypt('', WORKSPACE), WORKSPACE)).toBe('');
  });

  it('fails for another workspace (AAD)', () => {
    const stored = cipher.encrypt('secret-api-key', WORKSPACE);
    expect(() => cipher.decrypt(stored, 'T9999')).toThrow(StorageError);
  });

  it('fails on a flipped bit, a changed tag, or a mangled record', () => {
    const stored = cipher.encrypt('secret-api-key', WORKSPACE);
    expect(() => cipher.decrypt(flipCiphertextBit(stored), WORKSPACE)).toThrow(/tampered/);
    const parts = stored.split('.');
    const tag = Buffer.from(parts[3] ?? '', 'base64url');
    tag[5] = (tag[5] ?? 0) ^ 1;
    parts[3] = tag.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), WORKSPACE)).toThrow(StorageError);
    for (const mangled of [
      '',
      'plain-text-key',
      stored.slice(0, -4),
      `v2${stored.slice(2)}`,
      `${stored}.x`,
    ]) {
      expect(() => cipher.decrypt(mangled, WORKSPACE)).toThrow(StorageError);
    }
  });

  it('reads data written with an older key listed second, and flags it for re-encryption', () => {
    const oldKey = newKey();
    const before = createCipher(parseEncryptionKeys(`old:${oldKey}`));
    const stored = before.encrypt('secret-api-key', WORKSPACE);
    const after = createCipher(parseEncryptionKeys(`new:${newKey()}, old:${oldKey}`));
    expect(after.currentKeyId).toBe('new');
    expect(after.decrypt(stored, WORKSPACE)).toBe('secret-api-key');
    expect(after.needsReencrypt(stored)).toBe(true);
    expect(after.needsReencrypt(after.encrypt('x', WORKSPACE))).toBe(false);
    const withoutOld = createCipher(parseEncryptionKeys(`new:${newKey()}`));
    expect(() => withoutOld.decrypt(stored, WORKSPACE)).toThrow(/key id "old"/);
  });

  it('derives a stable id for a bare key, so it can later be listed as the old key', () => {
    const key = newKey();
    const [single] = parseEncryptionKeys(key);
    const stored = createCipher(parseEncryptionKeys(key)).encrypt('secret-api-key', WORKSPACE);
    const rotated = createCipher(parseEncryptionKeys(`next:${newKey()},${key}`));
    expect(single.id).toMatch(/^k[0-9a-f]{8}$/);
    expect(rotated.decrypt(stored, WORKSPACE)).toBe('secret-api-key');
  });
});

describe('parseEncryptionKeys', () => {
  const good = newKey();
  const short = randomBytes(16).toString('base64');
  const cases = [
    '',
    ' , ',
    short,
    `${good}extra`,
    'not base64 at all!',
    `a:${good},b:${short}`,
    `bad id!:${good}`,
    `a:${good},a:${newKey()}`,
    `${good},${good}`,
  ];

  it.each(cases)('rejects a bad spec with one line that holds no key material (%#)', (spec) => {
    let message = '';
    try {
      parseEncryptionKeys(spec);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ENCRYPTION_KEY/);
    expect(message).not.toContain('\n');
    for (const secret of [good, short, good.slice(0, 12), short.slice(0, 12), 'bad id']) {
      expect(message).not.toContain(secret);
    }
  });

  it('accepts base64url keys and never prints key bytes when inspected', () => {
    const bytes = randomBytes(32);
    const keys = parseEncryptionKeys(`k1:${bytes.toString('base64url')}`);
    expect(keys[0].id).toBe('k1');
    expect(inspect(keys, { depth: 5 })).not.toContain(bytes.toString('hex').slice(0, 8));
    expect(JSON.stringify(keys)).not.toContain(bytes.toString('base64url'));
  });
});

describe('loadOrCreateEmbeddedKey', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('creates a 0600 key once and returns the same key afterwards', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-key-'));
    const dataDir = path.join(root, 'data');
    const first = loadOrCreateEmbeddedKey(dataDir);
    const file = path.join(dataDir, 'encryption.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(Buffer.from(first, 'base64')).toHaveLength(32);
    expect(loadOrCreateEmbeddedKey(dataDir)).toBe(first);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect(parseEncryptionKeys(first)).toHaveLength(1);
  });

  it('refuses a corrupted key file without printing it', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-key-'));
    root = dataDir;
    await writeFile(path.join(dataDir, 'encryption.key'), 'c2hvcnQ=');
    expect(() => loadOrCreateEmbeddedKey(dataDir)).toThrow(/does not hold a valid key/);
    expect(() => loadOrCreateEmbeddedKey(dataDir)).not.toThrow(/c2hvcnQ/);
  });
});
