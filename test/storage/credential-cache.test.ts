import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceCredentials } from '../../src/domain/workspace-settings.ts';
import { StorageError } from '../../src/errors/storage-error.ts';
import { createCachedCredentialStore } from '../../src/storage/credential-cache.ts';
import type { CredentialStore } from '../../src/storage/credential-store.ts';
import {
  command,
  configSubmissionBody,
  outcomeOf,
  SETTINGS,
  storageModes,
  useTestApp,
} from '../support/app-driver.ts';
import { postToApp } from '../support/slack-request.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

/** An in-memory CredentialStore that counts its reads and can be told to fail or to hold a read. */
function fakeStore() {
  const rows = new Map<string, WorkspaceCredentials>();
  const calls = { get: 0 };
  let failNext = false;
  let hold: Promise<void> | undefined;
  const store: CredentialStore = {
    async get(workspaceId) {
      calls.get += 1;
      const value = rows.get(workspaceId);
      if (hold) await hold;
      if (failNext) {
        failNext = false;
        throw new StorageError('down');
      }
      return value && { ...value };
    },
    async set(workspaceId, settings, updatedBy, now = new Date()) {
      const saved = { ...settings, updatedBy, updatedAt: now.toISOString() };
      rows.set(workspaceId, saved);
      return saved;
    },
    async update(workspaceId, changes, updatedBy, now = new Date()) {
      const current = rows.get(workspaceId);
      const saved = {
        ...changes,
        apiKey: changes.apiKey ?? current?.apiKey ?? '',
        updatedBy,
        updatedAt: now.toISOString(),
      };
      rows.set(workspaceId, saved);
      return saved;
    },
    async delete(workspaceId) {
      return rows.delete(workspaceId);
    },
    async reencryptAll() {
      return rows.size;
    },
    async workspaceIds() {
      return [...rows.keys()].sort();
    },
  };
  return {
    store,
    calls,
    rows,
    failOnce() {
      failNext = true;
    },
    /** Holds every read until the returned function is called. */
    holdReads() {
      let release = () => {};
      hold = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

describe('the credentials cache', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('serves a found record from memory for the TTL, then reads again', async () => {
    const inner = fakeStore();
    await inner.store.set('T1', SETTINGS, 'UADMIN');
    const cache = createCachedCredentialStore(inner.store, { ttlMs: 10_000, now });
    expect((await cache.get('T1'))?.sid).toBe(SETTINGS.sid);
    clock += 9_999;
    expect((await cache.get('T1'))?.sid).toBe(SETTINGS.sid);
    expect(inner.calls.get).toBe(1);
    clock += 2;
    await cache.get('T1');
    expect(inner.calls.get).toBe(2);
  });

  it('remembers "not configured" only briefly', async () => {
    const inner = fakeStore();
    const cache = createCachedCredentialStore(inner.store, { ttlMs: 10_000, notConfiguredTtlMs: 2_000, now });
    expect(await cache.get('T1')).toBeUndefined();
    clock += 1_999;
    expect(await cache.get('T1')).toBeUndefined();
    expect(inner.calls.get).toBe(1);
    // Configured from another process meanwhile: seen once the short TTL is over.
    await inner.store.set('T1', SETTINGS, 'UADMIN');
    clock += 2;
    expect((await cache.get('T1'))?.sid).toBe(SETTINGS.sid);
    expect(inner.calls.get).toBe(2);
  });

  it('never caches a failure', async () => {
    const inner = fakeStore();
    await inner.store.set('T1', SETTINGS, 'UADMIN');
    const cache = createCachedCredentialStore(inner.store, { now });
    inner.failOnce();
    await expect(cache.get('T1')).rejects.toBeInstanceOf(StorageError);
    expect((await cache.get('T1'))?.sid).toBe(SETTINGS.sid);
    expect(inner.calls.get).toBe(2);
  });

  it('shares one read among concurrent misses', async () => {
    const inner = fakeStore();
    await inner.store.set('T1', SETTINGS, 'UADMIN');
    const cache = createCachedCredentialStore(inner.store, { now });
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.get('T1')));
    expect(results.every((r) => r?.sid === SETTINGS.sid)).toBe(true);
    expect(inner.calls.get).toBe(1);
  });

  it('drops the cached copy on every write through it', async () => {
    const inner = fakeStore();
    const cache = createCachedCredentialStore(inner.store, { now });
    await cache.set('T1', SETTINGS, 'UADMIN');
    await cache.get('T1');

    await cache.set('T1', { ...SETTINGS, sid: 'HXSET0000000000IN' }, 'UADMIN');
    expect((await cache.get('T1'))?.sid).toBe('HXSET0000000000IN');

    await cache.update('T1', { ...SETTINGS, sid: 'HXUPDATE0000000IN' }, 'UADMIN');
    expect((await cache.get('T1'))?.sid).toBe('HXUPDATE0000000IN');

    await cache.reencryptAll();
    inner.rows.set('T1', { ...SETTINGS, sid: 'HXROTATED000000IN', updatedBy: 'x', updatedAt: '' });
    expect((await cache.get('T1'))?.sid).toBe('HXROTATED000000IN');

    await cache.delete('T1');
    expect(await cache.get('T1')).toBeUndefined();
    expect(inner.calls.get).toBe(5);
  });

  it('does not keep what a read returned when a write overtook it', async () => {
    const inner = fakeStore();
    await inner.store.set('T1', SETTINGS, 'UADMIN');
    const cache = createCachedCredentialStore(inner.store, { now });
    const release = inner.holdReads();
    const stale = cache.get('T1'); // reads the old row, then waits
    await new Promise((resolve) => setTimeout(resolve, 5));
    release();
    await cache.set('T1', { ...SETTINGS, sid: 'HXNEW000000000IN' }, 'UADMIN');
    expect((await stale)?.sid).toBe(SETTINGS.sid);
    expect((await cache.get('T1'))?.sid).toBe('HXNEW000000000IN');
  });

  it('hands out copies, and keeps at most maxEntries workspaces', async () => {
    const inner = fakeStore();
    for (const id of ['T1', 'T2', 'T3']) await inner.store.set(id, SETTINGS, 'UADMIN');
    const cache = createCachedCredentialStore(inner.store, { maxEntries: 2, now });
    const first = await cache.get('T1');
    if (first) first.apiKey = 'tampered';
    expect((await cache.get('T1'))?.apiKey).toBe(SETTINGS.apiKey);
    await cache.get('T2');
    await cache.get('T3'); // T1, the oldest, goes
    const before = inner.calls.get;
    await cache.get('T3');
    await cache.get('T1');
    expect(inner.calls.get).toBe(before + 1);
  });
});

describe.each(await storageModes())('cached credentials in the app on the %s', (_name, storage) => {
  const t = useTestApp(storage);

  it('uses an admin’s new settings on the very next send', async () => {
    const send = async (reference: string) => {
      const sent = command(t, `+919876543210 ${reference} shipped`);
      expect((await sent.post()).status).toBe(200);
      await outcomeOf(t, sent);
      return t.kaleyra.requests.find((r) => r.rawBody.includes(`"${reference}"`));
    };

    expect((await send('CACHE-1'))?.path).toContain(`/${SETTINGS.sid}/`); // now cached

    t.slack.setUser('UBOSS', { is_admin: true });
    const values = { ...SETTINGS, sid: 'HXINCHANGED0000IN', apiKey: 'Bsecondkey0000000000000000000009' };
    const saved = await postToApp(t.url, configSubmissionBody(t.team, 'UBOSS', values), {
      signingSecret: SIGNING_SECRET,
    });
    expect(saved.status).toBe(200);

    const after = await send('CACHE-2');
    expect(after?.path).toContain('/HXINCHANGED0000IN/');
    expect(after?.headers['api-key']).toBe(values.apiKey);
  });
});
