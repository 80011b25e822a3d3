import type Keyv from 'keyv';
import * as v from 'valibot';
import { STATUS_SPELLINGS } from '../domain/status-spelling.ts';
import {
  PODS,
  type WorkspaceCredentials,
  type WorkspaceSettings,
  type WorkspaceSettingsChanges,
} from '../domain/workspace-settings.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { Cipher } from './encryption.ts';
import { listEntries, setIfUnchanged } from './keyv-store.ts';

export type CredentialStore = {
  get(workspaceId: string): Promise<WorkspaceCredentials | undefined>;
  set(
    workspaceId: string,
    settings: WorkspaceSettings,
    updatedBy: string,
    now?: Date,
  ): Promise<WorkspaceCredentials>;
  /**
   * Without `apiKey`, keeps the stored key (NotConfiguredError when nothing is stored, StorageError when
   * it cannot be read). With `apiKey`, the changes are complete settings and replace whatever is stored.
   */
  update(
    workspaceId: string,
    changes: WorkspaceSettingsChanges,
    updatedBy: string,
    now?: Date,
  ): Promise<WorkspaceCredentials>;
  delete(workspaceId: string): Promise<boolean>;
  /**
   * Rewrites every record not encrypted with the current key; returns how many it rewrote. Records it
   * cannot decrypt are skipped, then named in a StorageError once the others are done.
   */
  reencryptAll(): Promise<number>;
  /** Every workspace with settings stored (readable or not), sorted: for `orderstatus doctor`. */
  workspaceIds(): Promise<string[]>;
};

const KEY_PREFIX = 'credentials:';
/** Saves that found the row changed under them, one after another, before one gives up. */
const MAX_SAVE_ATTEMPTS = 5;
const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Stored shape: everything in clear except the API key, which only exists as `apiKeyEncrypted`
 * (AES-GCM, AAD = workspace id, so a row copied under another workspace does not decrypt). The SID
 * stays readable: it identifies the account but cannot authenticate without the key.
 * Checked loosely on read (types, not today's input rules) so that tightening a rule later does not
 * make existing rows unreadable.
 */
const StoredCredentialsSchema = v.object({
  sid: v.pipe(v.string(), v.nonEmpty()),
  apiKeyEncrypted: v.pipe(v.string(), v.nonEmpty()),
  pod: v.picklist(PODS),
  businessNumber: v.pipe(v.string(), v.nonEmpty()),
  templateName: v.pipe(v.string(), v.nonEmpty()),
  languageCode: v.pipe(v.string(), v.nonEmpty()),
  wabaId: v.optional(v.pipe(v.string(), v.nonEmpty())),
  repliesChannel: v.optional(v.pipe(v.string(), v.nonEmpty())),
  statusSpelling: v.optional(v.picklist(STATUS_SPELLINGS)),
  updatedBy: v.string(),
  updatedAt: v.string(),
});
type StoredCredentials = v.InferOutput<typeof StoredCredentialsSchema>;

export function createCredentialStore(keyv: Keyv<unknown>, cipher: Cipher): CredentialStore {
  const readStored = async (workspaceId: string): Promise<StoredCredentials | undefined> => {
    const key = keyOf(workspaceId);
    let raw: unknown;
    try {
      raw = await keyv.get(key);
    } catch (error) {
      // Keyv's JSON deserializer fails on a corrupt row: that is bad data, not an outage.
      throw error instanceof SyntaxError ? malformed(workspaceId, error) : asStorageError(error);
    }
    if (raw === undefined) return undefined;
    const parsed = v.safeParse(StoredCredentialsSchema, raw);
    if (!parsed.success) throw malformed(workspaceId);
    return parsed.output;
  };

  const reveal = (workspaceId: string, stored: StoredCredentials): WorkspaceCredentials => {
    const { apiKeyEncrypted, ...clear } = stored;
    return { ...clear, apiKey: cipher.decrypt(apiKeyEncrypted, workspaceId) };
  };

  /** The row for these settings: everything in clear but the API key, sealed afresh. */
  const seal = (
    workspaceId: string,
    settings: WorkspaceSettings,
    updatedBy: string,
    now: Date,
  ): { credentials: WorkspaceCredentials; stored: StoredCredentials } => {
    const credentials: WorkspaceCredentials = {
      sid: settings.sid,
      apiKey: settings.apiKey,
      pod: settings.pod,
      businessNumber: settings.businessNumber,
      templateName: settings.templateName,
      languageCode: settings.languageCode,
      ...(settings.wabaId ? { wabaId: settings.wabaId } : {}),
      ...(settings.repliesChannel ? { repliesChannel: settings.repliesChannel } : {}),
      ...(settings.statusSpelling ? { statusSpelling: settings.statusSpelling } : {}),
      updatedBy,
      updatedAt: now.toISOString(),
    };
    const { apiKey, ...clear } = credentials;
    return { credentials, stored: { ...clear, apiKeyEncrypted: cipher.encrypt(apiKey, workspaceId) } };
  };

  const write = async (
    workspaceId: string,
    settings: WorkspaceSettings,
    updatedBy: string,
    now: Date,
  ): Promise<WorkspaceCredentials> => {
    const key = keyOf(workspaceId);
    const { credentials, stored } = seal(workspaceId, settings, updatedBy, now);
    await reach(() => keyv.set(key, stored));
    return credentials;
  };

  /**
   * Rewrites a row read as `read` only if nobody wrote it since: every write seals the key afresh (a
   * new IV), so its ciphertext names the write. False when another write came first.
   */
  const rewrite = async (
    workspaceId: string,
    read: StoredCredentials,
    settings: WorkspaceSettings,
    updatedBy: string,
    now: Date,
  ): Promise<WorkspaceCredentials | undefined> => {
    const key = keyOf(workspaceId);
    const { credentials, stored } = seal(workspaceId, settings, updatedBy, now);
    const unchanged = { field: 'apiKeyEncrypted', expected: read.apiKeyEncrypted };
    return (await reach(() => setIfUnchanged(keyv, key, unchanged, stored))) ? credentials : undefined;
  };

  return {
    async get(workspaceId) {
      const stored = await readStored(workspaceId);
      return stored && reveal(workspaceId, stored);
    },

    async set(workspaceId, settings, updatedBy, now = new Date()) {
      return write(workspaceId, settings, updatedBy, now);
    },

    async update(workspaceId, changes, updatedBy, now = new Date()) {
      // With a new key the changes are complete settings, so a missing or unreadable row is simply replaced.
      if (changes.apiKey !== undefined)
        return write(workspaceId, { ...changes, apiKey: changes.apiKey }, updatedBy, now);
      // The kept key is the one stored when the row is written, not when it was read: a key another
      // admin saved in between must not be put back to the old one.
      for (let attempt = 1; attempt <= MAX_SAVE_ATTEMPTS; attempt++) {
        const stored = await readStored(workspaceId);
        if (!stored) throw new NotConfiguredError(workspaceId);
        // Decrypting proves the kept key is still readable before the row is rewritten.
        const { apiKey } = reveal(workspaceId, stored);
        const saved = await rewrite(workspaceId, stored, { ...changes, apiKey }, updatedBy, now);
        if (saved) return saved;
      }
      throw new StorageError(
        `The Kaleyra settings of workspace ${workspaceId} kept changing while saving: try again.`,
      );
    },

    async delete(workspaceId) {
      const key = keyOf(workspaceId);
      return reach(() => keyv.delete(key));
    },

    async reencryptAll() {
      const stale = await reach(() => listStale(keyv, cipher));
      const unreadable: string[] = [];
      let rewritten = 0;
      for (const workspaceId of stale) {
        const stored = await readStored(workspaceId);
        if (!stored) continue;
        let credentials: WorkspaceCredentials;
        try {
          credentials = reveal(workspaceId, stored);
        } catch {
          unreadable.push(workspaceId); // one bad row must not stop the others from rotating
          continue;
        }
        const { updatedBy, updatedAt, ...settings } = credentials;
        // Not a settings change: who changed them last, and when, stay as they were. A save that came
        // in between sealed the key afresh already, and must not be put back.
        if (await rewrite(workspaceId, stored, settings, updatedBy, new Date(updatedAt))) rewritten += 1;
      }
      if (unreadable.length > 0) {
        throw new StorageError(
          `Re-encrypted ${rewritten} workspace(s), but could not decrypt ${unreadable.join(', ')} (is the old key still listed in ENCRYPTION_KEY?).`,
        );
      }
      return rewritten;
    },

    async workspaceIds() {
      const entries = await reach(() => listEntries(keyv, KEY_PREFIX));
      return entries.map(([workspaceId]) => workspaceId).sort();
    },
  };
}

/** Workspaces whose stored key is not under the current key. Unreadable rows are left for `get` to report. */
async function listStale(keyv: Keyv<unknown>, cipher: Cipher): Promise<string[]> {
  const stale: string[] = [];
  for (const [workspaceId, row] of await listEntries(keyv, KEY_PREFIX)) {
    const parsed = v.safeParse(StoredCredentialsSchema, row);
    if (parsed.success && cipher.needsReencrypt(parsed.output.apiKeyEncrypted)) stale.push(workspaceId);
  }
  return stale;
}

function malformed(workspaceId: string, cause?: unknown): StorageError {
  return new StorageError(
    `The stored Kaleyra settings of workspace ${workspaceId} are malformed; an admin should enter them again with /orderstatus config.`,
    { cause, reason: 'unreadable' },
  );
}

function keyOf(workspaceId: string): string {
  // A `:` or whitespace in the id could alias another key; Slack team and enterprise ids never have one.
  if (!WORKSPACE_ID.test(workspaceId)) {
    throw new ValidationError({
      workspaceId: 'A workspace id is 1-64 letters, digits, _ or - (e.g. T0123ABCD).',
    });
  }
  return `${KEY_PREFIX}${workspaceId}`;
}

async function reach<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw asStorageError(error);
  }
}

function asStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  return new StorageError('Could not reach the database to read or write workspace credentials.', {
    cause: error,
  });
}
