import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkspaceSettings } from '../../src/domain/workspace-settings.ts';
import { NotConfiguredError } from '../../src/errors/not-configured-error.ts';
import { StorageError } from '../../src/errors/storage-error.ts';
import { type CredentialStore, createCredentialStore } from '../../src/storage/credential-store.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { type Cipher, createCipher, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { createKeyvStore, KEYV_TABLE } from '../../src/storage/keyv-store.ts';
import { removeNamespace, uniqueNamespace } from '../support/postgres.ts';

const SETTINGS: WorkspaceSettings = {
  sid: 'HXIN1234567890IN',
  apiKey: 'Ab12Cd34Ef56Gh78-very-secret',
  pod: 'in',
  businessNumber: '+919876543210',
  templateName: 'order_status',
  languageCode: 'en',
};
const OTHER: WorkspaceSettings = {
  ...SETTINGS,
  sid: 'HXSG0987654321SG',
  apiKey: 'Zz99Yy88Xx77-other-key',
  pod: 'sg',
};
const NOW = new Date('2025-01-02T03:04:05.000Z');

const newKey = () => randomBytes(32).toString('base64');

/**
 * One suite for every backend. `open` returns undefined when the backend is unavailable (the suite
 * is then skipped); the Database it returns is closed after the suite.
 */
export function describeCredentialStoreContract(
  label: string,
  open: (() => Promise<Database>) | undefined,
): void {
  describe.skipIf(!open)(`credential store (${label})`, () => {
    let db: Database;
    let keyv: Keyv<unknown>;
    let cipher: Cipher;
    let store: CredentialStore;
    const namespace = uniqueNamespace(label);
    const rowKey = (workspaceId: string) => `${namespace}:credentials:${workspaceId}`;
    const readRow = async (workspaceId: string) => {
      const rows = await db.query<{ value: string }>(`SELECT value FROM ${KEYV_TABLE} WHERE key = $1`, [
        rowKey(workspaceId),
      ]);
      return rows[0]?.value;
    };
    const writeRow = (workspaceId: string, value: string) =>
      db.query(`UPDATE ${KEYV_TABLE} SET value = $2 WHERE key = $1`, [rowKey(workspaceId), value]);

    beforeAll(async () => {
      if (!open) return;
      db = await open();
      keyv = createKeyvStore(db, { namespace });
      cipher = createCipher(parseEncryptionKeys(newKey()));
      store = createCredentialStore(keyv, cipher);
    });

    afterAll(async () => {
      if (!db) return;
      await removeNamespace(db, namespace);
      await db.close();
    });

    it('runs its statements on the Database pool, not the adapter’s own', async () => {
      const spy = vi.spyOn(db.pool, 'query');
      await store.get('TPOOLCHECK');
      expect(spy).toHaveBeenCalled();
      spy.mockRestore();
    });

    it('round-trips settings with who changed them and when', async () => {
      const saved = await store.set('TROUND', SETTINGS, 'U123', NOW);
      expect(saved).toEqual({ ...SETTINGS, updatedBy: 'U123', updatedAt: NOW.toISOString() });
      expect(await store.get('TROUND')).toEqual(saved);
    });

    it('keeps the status spelling, and reads a record stored without one as the default', async () => {
      const meta = await store.set('TSPELL', { ...SETTINGS, statusSpelling: 'meta' }, 'U1', NOW);
      expect((await store.get('TSPELL'))?.statusSpelling).toBe('meta');
      const { apiKey: _omitted, statusSpelling: _dropped, ...changes } = meta;
      expect((await store.update('TSPELL', changes, 'U2'))?.statusSpelling).toBeUndefined();
      expect(await store.get('TSPELL')).not.toHaveProperty('statusSpelling');
    });

    it('answers undefined for a workspace that has nothing stored', async () => {
      expect(await store.get('TUNKNOWN')).toBeUndefined();
    });

    it('keeps the stored API key when an update omits it, and replaces it when given', async () => {
      await store.set('TUPDATE', SETTINGS, 'U1', NOW);
      const { apiKey: _omitted, ...changes } = { ...SETTINGS, templateName: 'order_status_v2' };
      const kept = await store.update('TUPDATE', changes, 'U2');
      expect(kept).toMatchObject({
        apiKey: SETTINGS.apiKey,
        templateName: 'order_status_v2',
        updatedBy: 'U2',
      });
      expect(await store.get('TUPDATE')).toEqual(kept);
      const replaced = await store.update('TUPDATE', { ...changes, apiKey: 'New-Key-12345678' }, 'U3');
      expect((await store.get('TUPDATE'))?.apiKey).toBe('New-Key-12345678');
      expect(replaced.apiKey).toBe('New-Key-12345678');
    });

    it('loses neither of two saves at once: one of the template (key kept), one of a new API key', async () => {
      const { apiKey: _omitted, ...newTemplate } = { ...SETTINGS, templateName: 'order_update' };
      const newKey = { ...SETTINGS, apiKey: 'Rotated-Key-87654321' };
      for (const round of [1, 2, 3, 4, 5]) {
        const workspaceId = `TRACE${round}`;
        await store.set(workspaceId, SETTINGS, 'U0', NOW);
        await Promise.all([
          store.update(workspaceId, newTemplate, 'UTEMPLATE', NOW),
          store.update(workspaceId, newKey, 'UKEY', NOW),
        ]);
        const saved = await store.get(workspaceId);
        // The template save never named a key: whatever its order, the new key stays.
        expect(saved?.apiKey).toBe(newKey.apiKey);
        // Either save may come last (the key's carries the form's whole settings, template included).
        expect([
          ['order_update', 'UTEMPLATE'],
          ['order_status', 'UKEY'],
        ]).toContainEqual([saved?.templateName, saved?.updatedBy]);
      }
    });

    it('refuses to update a workspace that was never configured', async () => {
      const { apiKey: _omitted, ...changes } = SETTINGS;
      await expect(store.update('TNEVER', changes, 'U1')).rejects.toBeInstanceOf(NotConfiguredError);
    });

    it('deletes', async () => {
      await store.set('TDELETE', SETTINGS, 'U1');
      expect(await store.delete('TDELETE')).toBe(true);
      expect(await store.get('TDELETE')).toBeUndefined();
      expect(await store.delete('TDELETE')).toBe(false);
    });

    it('keeps workspaces apart', async () => {
      await store.set('TAAA', SETTINGS, 'UA');
      await store.set('TBBB', OTHER, 'UB');
      expect(await store.get('TAAA')).toMatchObject({ apiKey: SETTINGS.apiKey, sid: SETTINGS.sid });
      expect(await store.get('TBBB')).toMatchObject({ apiKey: OTHER.apiKey, sid: OTHER.sid });
    });

    it('lists the workspaces that have settings stored', async () => {
      const listing = createCredentialStore(createKeyvStore(db, { namespace: `${namespace}-list` }), cipher);
      expect(await listing.workspaceIds()).toEqual([]);
      await listing.set('TLISTB', SETTINGS, 'U1', NOW);
      await listing.set('TLISTA', OTHER, 'U1', NOW);
      expect(await listing.workspaceIds()).toEqual(['TLISTA', 'TLISTB']);
      await listing.delete('TLISTB');
      expect(await listing.workspaceIds()).toEqual(['TLISTA']);
      await removeNamespace(db, `${namespace}-list`);
    });

    it('never stores the API key in plain text (the SID stays readable by design)', async () => {
      await store.set('TATREST', SETTINGS, 'U1');
      const rows = await db.query<{ value: string }>(`SELECT value FROM ${KEYV_TABLE} WHERE key LIKE $1`, [
        `${namespace}:%`,
      ]);
      expect(rows.length).toBeGreaterThan(0);
      for (const { value } of rows) {
        for (const secret of [SETTINGS.apiKey, OTHER.apiKey, 'New-Key-12345678']) {
          expect(value).not.toContain(secret);
          expect(value).not.toContain(Buffer.from(secret).toString('base64'));
        }
      }
      expect(await readRow('TATREST')).toContain('"apiKeyEncrypted":"v1.');
    });

    it('throws StorageError on a tampered ciphertext, never returning other data', async () => {
      await store.set('TTAMPER', SETTINGS, 'U1');
      const row = JSON.parse((await readRow('TTAMPER')) ?? '{}');
      const parts = String(row.value.apiKeyEncrypted).split('.');
      const ciphertext = Buffer.from(parts[4] ?? '', 'base64url');
      ciphertext[0] = (ciphertext[0] ?? 0) ^ 0x01;
      parts[4] = ciphertext.toString('base64url');
      row.value.apiKeyEncrypted = parts.join('.');
      await writeRow('TTAMPER', JSON.stringify(row));
      await expect(store.get('TTAMPER')).rejects.toBeInstanceOf(StorageError);
    });

    it('cannot decrypt a row copied to another workspace id', async () => {
      await store.set('TSOURCE', SETTINGS, 'U1');
      await db.query(
        `INSERT INTO ${KEYV_TABLE} (key, value) SELECT $2, value FROM ${KEYV_TABLE} WHERE key = $1`,
        [rowKey('TSOURCE'), rowKey('TCOPY')],
      );
      await expect(store.get('TCOPY')).rejects.toThrow(/Could not decrypt/);
    });

    it('reports a malformed stored record as StorageError', async () => {
      await store.set('TBROKEN', SETTINGS, 'U1');
      await writeRow('TBROKEN', JSON.stringify({ value: { sid: 42 } }));
      await expect(store.get('TBROKEN')).rejects.toBeInstanceOf(StorageError);
      await writeRow('TBROKEN', 'not json');
      await expect(store.get('TBROKEN')).rejects.toBeInstanceOf(StorageError);
      const { apiKey: _omitted, ...changes } = SETTINGS;
      await expect(store.update('TBROKEN', changes, 'U2')).rejects.toBeInstanceOf(StorageError);
      await store.update('TBROKEN', SETTINGS, 'U2'); // entering the key again repairs it
      expect(await store.get('TBROKEN')).toMatchObject({ apiKey: SETTINGS.apiKey, updatedBy: 'U2' });
    });

    it('re-encrypts records written with an older key, and names those it cannot read', async () => {
      const rotationKeyv = createKeyvStore(db, { namespace: `${namespace}-rotation` });
      const oldKey = newKey();
      const oldStore = createCredentialStore(
        rotationKeyv,
        createCipher(parseEncryptionKeys(`old:${oldKey}`)),
      );
      await oldStore.set('TROTATE', SETTINGS, 'U1', NOW);
      const rotated = createCredentialStore(
        rotationKeyv,
        createCipher(parseEncryptionKeys(`new:${newKey()},old:${oldKey}`)),
      );
      expect(await rotated.get('TROTATE')).toMatchObject({ apiKey: SETTINGS.apiKey });
      expect(await rotated.reencryptAll()).toBe(1);
      const row = await db.query<{ value: string }>(`SELECT value FROM ${KEYV_TABLE} WHERE key = $1`, [
        `${namespace}-rotation:credentials:TROTATE`,
      ]);
      expect(row[0]?.value).toContain('"apiKeyEncrypted":"v1.new.');
      expect(await rotated.get('TROTATE')).toEqual({
        ...SETTINGS,
        updatedBy: 'U1',
        updatedAt: NOW.toISOString(),
      });
      expect(await rotated.reencryptAll()).toBe(0);

      const forgotten = createCredentialStore(
        rotationKeyv,
        createCipher(parseEncryptionKeys(`newer:${newKey()}`)),
      );
      await expect(forgotten.reencryptAll()).rejects.toThrow(/could not decrypt TROTATE/);
      await removeNamespace(db, `${namespace}-rotation`);
    });

    it('rejects with StorageError when the database is unreachable, never reading as "not configured"', async () => {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-down-'));
      const down = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', dataDir });
      const onError = vi.fn();
      const downStore = createCredentialStore(createKeyvStore(down, { namespace, onError }), cipher);
      await expect(downStore.get('TAAA')).rejects.toBeInstanceOf(StorageError);
      await expect(downStore.set('TAAA', SETTINGS, 'U1')).rejects.toBeInstanceOf(StorageError);
      expect(onError).toHaveBeenCalled();
      await down.close();
      await rm(dataDir, { recursive: true, force: true });
    });
  });
}
