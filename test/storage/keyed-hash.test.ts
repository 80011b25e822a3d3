import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { createCipher, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { loadKeyedHash, resealKeyedHashKey } from '../../src/storage/keyed-hash.ts';
import { testDatabaseUrl } from '../support/app-driver.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';

const pgUrl = await testDatabaseUrl();
const OLD = Buffer.alloc(32, 11).toString('base64');
const NEW = Buffer.alloc(32, 12).toString('base64');
const cipherOf = (spec: string) => createCipher(parseEncryptionKeys(spec));

type Opened = OpenedDatabase;
const stores = databaseStores('keyed-hash', pgUrl);

describe.each(stores)('the keyed-hash key on the %s', (_name, open) => {
  let opened: Opened;
  beforeAll(async () => {
    if (open) opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });
  // A key of this test's own: the shared test database's real one belongs to every other test.
  const name = () => `keyed-hash-test-${randomBytes(6).toString('hex')}`;

  it.skipIf(!open)('is the same for every process and survives a full ENCRYPTION_KEY rotation', async () => {
    const key = name();
    const before = await loadKeyedHash(opened.db, cipherOf(OLD), key);
    const digest = before('duplicate-guard', 'T1\n+919876543210\n395001\nshipped');
    // Ten processes starting at once all end up with the same key.
    const racing = await Promise.all(
      Array.from({ length: 10 }, () => loadKeyedHash(opened.db, cipherOf(OLD), `${key}-race`)),
    );
    expect(new Set(racing.map((hash) => hash('p', 'x'))).size).toBe(1);

    // During the rotation (new key listed first): unchanged.
    const during = await loadKeyedHash(opened.db, cipherOf(`new:${NEW},${OLD}`), key);
    expect(during('duplicate-guard', 'T1\n+919876543210\n395001\nshipped')).toBe(digest);
    // `credentials reencrypt` re-seals it once; after the old key is dropped: still unchanged.
    expect(await resealKeyedHashKey(opened.db, cipherOf(`new:${NEW},${OLD}`), key)).toBe(true);
    expect(await resealKeyedHashKey(opened.db, cipherOf(`new:${NEW},${OLD}`), key)).toBe(false);
    const after = await loadKeyedHash(opened.db, cipherOf(`new:${NEW}`), key);
    expect(after('duplicate-guard', 'T1\n+919876543210\n395001\nshipped')).toBe(digest);
    // The stored row is sealed, never the key in clear.
    const rows = await opened.db.query<{ sealed: string }>('SELECT sealed FROM sealed_keys WHERE name = $1', [
      key,
    ]);
    expect(rows[0]?.sealed).toMatch(/^v1\.new\./);
  });

  it.skipIf(!open)('keeps purposes apart', async () => {
    const hash = await loadKeyedHash(opened.db, cipherOf(OLD), name());
    expect(hash('duplicate-guard', 'x')).not.toBe(hash('customer-number', 'x'));
    expect(hash('a', 'b\0c')).not.toBe(hash('a', 'b'));
    expect(() => hash('bad purpose\0', 'x')).toThrow(TypeError);
  });

  it.skipIf(!open)('says which key to list again when ENCRYPTION_KEY no longer opens it', async () => {
    const key = name();
    await loadKeyedHash(opened.db, cipherOf(OLD), key);
    const failure = await loadKeyedHash(opened.db, cipherOf(`new:${NEW}`), key).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StorageError);
    expect((failure as StorageError).reason).toBe('unreadable');
    expect((failure as Error).message).toContain('orderstatus credentials reencrypt');
  });
});
