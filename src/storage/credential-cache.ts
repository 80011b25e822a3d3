import { LRUCache } from 'lru-cache';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import type { CredentialStore } from './credential-store.ts';

export const DEFAULT_CREDENTIAL_TTL_MS = 10_000;
export const DEFAULT_NOT_CONFIGURED_TTL_MS = 2_000;
const DEFAULT_MAX_ENTRIES = 10_000;

export type CredentialCacheOptions = {
  /** How long a found record is served from memory. Default 10 s. */
  ttlMs?: number | undefined;
  /** How long "not configured" is remembered (kept short: an admin is probably configuring it). Default 2 s. */
  notConfiguredTtlMs?: number | undefined;
  /** The least recently read are dropped beyond this many workspaces. Default 10 000. */
  maxEntries?: number | undefined;
  now?: (() => number) | undefined;
};

/** A found record, or a remembered "not configured" (the cache keeps no bare `undefined`). */
type Entry = { value: WorkspaceCredentials | undefined };

/**
 * Serves `get` from memory so a burst of sends reads and decrypts a workspace's credentials once
 * (lru-cache: TTL per entry, the least recently used dropped beyond maxEntries, and one read shared
 * by concurrent misses). Writes through this instance (set, update, delete, reencryptAll) drop the
 * cached copy at once, and a read still in flight then is not kept (its caller still gets it);
 * another process's writes are seen when the entry expires. Failures are never cached.
 */
export function createCachedCredentialStore(
  store: CredentialStore,
  options: CredentialCacheOptions = {},
): CredentialStore {
  const ttlMs = options.ttlMs ?? DEFAULT_CREDENTIAL_TTL_MS;
  const missTtlMs = Math.min(options.notConfiguredTtlMs ?? DEFAULT_NOT_CONFIGURED_TTL_MS, ttlMs);
  // lru-cache reads a TTL of 0 as "forever": with no TTL, there is nothing to keep.
  if (ttlMs <= 0) return store;
  const now = options.now;
  const cache = new LRUCache<string, Entry>({
    max: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
    ttl: ttlMs,
    // Read the clock on every look (the default keeps one reading for a millisecond, on a timer).
    ttlResolution: 0,
    ...(now !== undefined && { perf: { now } }),
    // A write drops the entry and aborts the read in flight: its caller gets what it read, the cache not.
    ignoreFetchAbort: true,
    fetchMethod: async (workspaceId, _stale, { options: entry }) => {
      const value = await store.get(workspaceId);
      if (!value && missTtlMs <= 0) return undefined; // not kept
      entry.ttl = value ? ttlMs : missTtlMs;
      return { value };
    },
  });

  // Runs a write, then drops the cached copy (also when the write failed half-way).
  const writing = async <T>(workspaceId: string | undefined, write: () => Promise<T>): Promise<T> => {
    const invalidate = () => (workspaceId === undefined ? cache.clear() : cache.delete(workspaceId));
    invalidate();
    try {
      return await write();
    } finally {
      invalidate();
    }
  };

  return {
    async get(workspaceId) {
      const entry = await cache.fetch(workspaceId);
      // Callers get their own copy: nothing they do can change what the next caller reads.
      return entry?.value ? { ...entry.value } : undefined;
    },
    set: (workspaceId, settings, updatedBy, at) =>
      writing(workspaceId, () => store.set(workspaceId, settings, updatedBy, at)),
    update: (workspaceId, changes, updatedBy, at) =>
      writing(workspaceId, () => store.update(workspaceId, changes, updatedBy, at)),
    delete: (workspaceId) => writing(workspaceId, () => store.delete(workspaceId)),
    reencryptAll: () => writing(undefined, () => store.reencryptAll()),
    workspaceIds: () => store.workspaceIds(),
  };
}
