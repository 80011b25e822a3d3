import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import type { KeyedHash } from '../domain/keyed-hash.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { Database } from './database.ts';
import type { Cipher } from './encryption.ts';

export type { KeyedHash } from '../domain/keyed-hash.ts';

/** The row in `sealed_keys` that holds the keyed-hash key. */
export const KEYED_HASH_KEY_NAME = 'keyed-hash';
const KEY_BYTES = 32;
const PURPOSE = /^[a-z0-9:_-]{1,64}$/;
const Base64Key = v.pipe(
  v.string(),
  v.base64(),
  v.check((text) => Buffer.from(text, 'base64').length === KEY_BYTES),
);

/**
 * The keyed-hash key: 32 random bytes generated once per database and stored sealed with
 * ENCRYPTION_KEY. It does not change when ENCRYPTION_KEY rotates (it is only re-sealed), so replicas on
 * different key lists, and stored hashes, keep matching. Every process loads it at start.
 */
export async function loadKeyedHash(
  db: Database,
  cipher: Pick<Cipher, 'encrypt' | 'decrypt'>,
  name = KEYED_HASH_KEY_NAME,
): Promise<KeyedHash> {
  const key = await readKey(db, cipher, name);
  return (purpose, text) => {
    // A purpose is one of our identifiers; the separator keeps ("a", "b:c") and ("a:b", "c") apart.
    if (!PURPOSE.test(purpose)) throw new TypeError(`Not a keyed-hash purpose: ${purpose}`);
    return createHmac('sha256', key).update(`${purpose}\0${text}`, 'utf8').digest('base64url');
  };
}

/**
 * Re-seals the keyed-hash key with the current ENCRYPTION_KEY (`orderstatus credentials reencrypt`).
 * The key itself stays the same. Returns whether it was rewritten.
 */
export async function resealKeyedHashKey(
  db: Database,
  cipher: Pick<Cipher, 'encrypt' | 'decrypt' | 'needsReencrypt'>,
  name = KEYED_HASH_KEY_NAME,
): Promise<boolean> {
  const sealed = await readSealed(db, name);
  if (sealed === undefined || !cipher.needsReencrypt(sealed)) return false;
  const resealed = cipher.encrypt(openKey(cipher, sealed, name), aadOf(name));
  // Compare-and-set: a concurrent re-seal wins harmlessly (the key inside is the same).
  await db.query('UPDATE sealed_keys SET sealed = $2 WHERE name = $1 AND sealed = $3', [
    name,
    resealed,
    sealed,
  ]);
  return true;
}

async function readKey(db: Database, cipher: Pick<Cipher, 'encrypt' | 'decrypt'>, name: string) {
  const fresh = cipher.encrypt(randomBytes(KEY_BYTES).toString('base64'), aadOf(name));
  // Insert-if-absent, then read: whichever process inserted first, every process reads the same key.
  // Two statements on purpose: in one, the read would not see a row another process just committed.
  await db.query('INSERT INTO sealed_keys (name, sealed) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    fresh,
  ]);
  const sealed = await readSealed(db, name);
  if (sealed === undefined) throw new StorageError(`The ${name} key was not stored.`);
  return createSecretKey(Buffer.from(openKey(cipher, sealed, name), 'base64'));
}

async function readSealed(db: Database, name: string): Promise<string | undefined> {
  const rows = await db.query<{ sealed: string }>('SELECT sealed FROM sealed_keys WHERE name = $1', [name]);
  return rows[0]?.sealed;
}

function openKey(cipher: Pick<Cipher, 'decrypt'>, sealed: string, name: string): string {
  let text: string;
  try {
    text = cipher.decrypt(sealed, aadOf(name));
  } catch (error) {
    throw new StorageError(
      `Could not read the ${name} key stored in the database (the duplicate guard needs it): it was sealed with an ENCRYPTION_KEY that is no longer listed. List the old key after the current one, restart, and run \`orderstatus credentials reencrypt\`.`,
      { cause: error, reason: 'unreadable' },
    );
  }
  if (!v.is(Base64Key, text)) {
    throw new StorageError(`The ${name} key stored in the database is malformed.`, { reason: 'unreadable' });
  }
  return text;
}

function aadOf(name: string): string {
  return `sealed-key:${name}`;
}
