import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SealBinding, Sealer } from '../domain/sealer.ts';
import { StorageError } from '../errors/storage-error.ts';

/** A KeyObject, so logging or inspecting a key never prints its bytes. */
export type EncryptionKey = { readonly id: string; readonly key: KeyObject };
/** The first key encrypts; all of them decrypt (older keys stay listed during rotation). */
export type EncryptionKeys = readonly [EncryptionKey, ...EncryptionKey[]];

export type Cipher = {
  readonly currentKeyId: string;
  encrypt(plaintext: string, aad: string): string;
  /** Throws StorageError when the key is unknown, the data was altered, or `aad` differs. */
  decrypt(stored: string, aad: string): string;
  /** True when `stored` was not written with the current key (and should be rewritten). */
  needsReencrypt(stored: string): boolean;
};

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const KEY_HINT = 'each key is 32 random bytes in base64, e.g. from `openssl rand -base64 32`';

/**
 * `ENCRYPTION_KEY` is either one base64 key, or a comma-separated list for rotation whose first entry
 * is current: `new:BASE64,old:BASE64`. An entry without `id:` gets the id `k` + the first 8 hex digits
 * of SHA-256(key): stable for the same key, so switching from a single key to a list keeps old rows
 * readable by listing the old key bare. Error messages name entries by position, never by content.
 */
export function parseEncryptionKeys(spec: string): EncryptionKeys {
  const entries = spec.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.some((entry) => entry === '')) {
    throw new Error(`ENCRYPTION_KEY is empty or has an empty entry; ${KEY_HINT}.`);
  }
  const keys = entries.map((entry, index): EncryptionKey => {
    const where = entries.length > 1 ? ` (entry ${index + 1})` : '';
    const separator = entry.indexOf(':');
    const id = separator === -1 ? undefined : entry.slice(0, separator);
    const encoded = separator === -1 ? entry : entry.slice(separator + 1);
    if (id !== undefined && !KEY_ID.test(id)) {
      throw new Error(`ENCRYPTION_KEY${where} has an invalid key id; use 1-32 letters, digits, _ or -.`);
    }
    const bytes = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
    if (bytes?.length !== KEY_BYTES) {
      throw new Error(
        `ENCRYPTION_KEY${where} is not a valid key (${bytes ? `${bytes.length} bytes` : 'not base64'}); ${KEY_HINT}.`,
      );
    }
    return { id: id ?? deriveKeyId(bytes), key: createSecretKey(bytes) };
  });
  const ids = new Set(keys.map((key) => key.id));
  if (ids.size !== keys.length) throw new Error('ENCRYPTION_KEY lists the same key id (or key) twice.');
  const [current, ...older] = keys;
  if (!current) throw new Error(`ENCRYPTION_KEY is empty; ${KEY_HINT}.`);
  return [current, ...older];
}

/** AES-256-GCM; stored as `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url), `aad` bound to the row. */
export function createCipher(keys: EncryptionKeys): Cipher {
  const [current] = keys;
  const byId = new Map(keys.map((key) => [key.id, key.key]));
  // No keyed hash here: one under a subkey of the current key would change with every rotation.
  // keyed-hash.ts keeps a key of its own, sealed with this cipher.
  return {
    currentKeyId: current.id,
    encrypt(plaintext, aad) {
      // UTF-8 turns a lone surrogate into U+FFFD: what was read back would not be what was stored.
      if (!plaintext.isWellFormed() || !aad.isWellFormed()) {
        throw new TypeError('Cannot encrypt text that is not well-formed Unicode (it has a lone surrogate).');
      }
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData(aad));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
      return [VERSION, current.id, ...parts].join('.');
    },
    decrypt(stored, aad) {
      const parsed = parseStored(stored);
      if (!parsed || !aad.isWellFormed()) throw undecryptable();
      const key = byId.get(parsed.keyId);
      if (!key) {
        throw new StorageError(
          `Could not decrypt a stored API key: it was encrypted with key id "${parsed.keyId}", which ENCRYPTION_KEY no longer lists (add the old key after the current one).`,
          { reason: 'unreadable' },
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, parsed.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(additionalData(aad));
        decipher.setAuthTag(parsed.tag);
        return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
      } catch (error) {
        throw undecryptable(error);
      }
    },
    needsReencrypt(stored) {
      return parseStored(stored)?.keyId !== current.id;
    },
  };
}

/**
 * A Sealer on the storage cipher: ENCRYPTION_KEY, old keys still readable during a rotation. The AAD
 * names the purpose and the workspace, and starts with `sealed:`, which no stored record's AAD does.
 */
export function createSealer(cipher: Pick<Cipher, 'encrypt' | 'decrypt'>): Sealer {
  const aadOf = ({ purpose, workspaceId }: SealBinding) => {
    // Neither may contain the separator, or two bindings could share an AAD.
    if (purpose.includes(':') || workspaceId.includes(':') || workspaceId === '') {
      throw new TypeError('A seal binding needs a purpose and a workspace id without ":"');
    }
    return `sealed:${purpose}:${workspaceId}`;
  };
  return {
    seal: (text, binding) => cipher.encrypt(text, aadOf(binding)),
    open(sealed, binding) {
      try {
        return cipher.decrypt(sealed, aadOf(binding));
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Embedded mode only: the key is generated once into `dataDir/encryption.key` (0600) and read back
 * afterwards. It is written to a temp file and hard-linked into place, so a second process starting
 * at the same moment either wins or reads the complete winner's key, never a half-written one.
 */
export function loadOrCreateEmbeddedKey(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'encryption.key');
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  const key = readFileSync(file, 'utf8').trim();
  if (!BASE64.test(key) || Buffer.from(key, 'base64').length !== KEY_BYTES) {
    throw new Error(
      `${file} does not hold a valid key; restore it from a backup (deleting it loses stored API keys).`,
    );
  }
  return key;
}

function deriveKeyId(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

// Domain-separated so a ciphertext made for another purpose with the same key never verifies here.
function additionalData(aad: string): Buffer {
  return Buffer.from(`orderstatus:${VERSION}:${aad}`, 'utf8');
}

function parseStored(stored: string) {
  const parts = stored.split('.');
  if (parts.length !== 5) return undefined;
  const [version, keyId, iv, tag, ciphertext] = parts;
  if (version !== VERSION || keyId === undefined || !KEY_ID.test(keyId)) return undefined;
  if (iv === undefined || tag === undefined || ciphertext === undefined) return undefined;
  const decoded = { iv: fromBase64Url(iv), tag: fromBase64Url(tag), ciphertext: fromBase64Url(ciphertext) };
  if (decoded.iv?.length !== IV_BYTES || decoded.tag?.length !== TAG_BYTES || !decoded.ciphertext)
    return undefined;
  return { keyId, iv: decoded.iv, tag: decoded.tag, ciphertext: decoded.ciphertext };
}

// Canonical encodings only: Node ignores a last character's unused bits, so `…A` and `…B` could both
// decode to the same bytes, and an altered record would still read.
function fromBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function undecryptable(cause?: unknown): StorageError {
  return new StorageError(
    'Could not decrypt a stored API key (wrong ENCRYPTION_KEY, or the stored data was tampered with or copied from another workspace).',
    { cause, reason: 'unreadable' },
  );
}
