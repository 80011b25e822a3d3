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
  /** Oldest entries are dropped beyond this many workspaces. Default 10 000. */
  maxEntries?: number | undefined;
  now?: (() => number) | undefined;
};

type Entry = { value: WorkspaceCredentials | undefined; expires: number };

/**
 * Serves `get` from memory so a burst of sends reads and decrypts a workspace's credentials once.
 * Writes through this instance (set, update, delete, reencryptAll) drop the cached copy at once;
 * another process's writes are seen when the entry expires. Failures are never cached, and
 * concurrent misses for one workspace share one read.
 */
export function createCachedCredentialStore(
  store: CredentialStore,
  options: CredentialCacheOptions = {},
): CredentialStore {
  const ttlMs = options.ttlMs ?? DEFAULT_CREDENTIAL_TTL_MS;
  const missTtlMs = Math.min(options.notConfiguredTtlMs ?? DEFAULT_NOT_CONFIGURED_TTL_MS, ttlMs);
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Promise<WorkspaceCredentials | undefined>>();
  // Bumped by every write: a read that started before it must not cache what it read.
  let generation = 0;

  const invalidate = (workspaceId?: string) => {
    generation += 1;
    if (workspaceId === undefined) {
      entries.clear();
      pending.clear();
    } else {
      entries.delete(workspaceId);
      pending.delete(workspaceId);
    }
  };

  const remember = (workspaceId: string, value: WorkspaceCredentials | undefined) => {
    const ttl = value ? ttlMs : missTtlMs;
    if (ttl <= 0) return;
    entries.delete(workspaceId); // re-inserted last, so the Map's order is oldest first
    entries.set(workspaceId, { value, expires: now() + ttl });
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
  };

  // Callers get their own copy: nothing they do can change what the next caller reads.
  const copy = (value: WorkspaceCredentials | undefined) => (value ? { ...value } : undefined);

  /** Runs a write, then drops the cached copy (also when the write failed half-way). */
  const writing = async <T>(workspaceId: string | undefined, write: () => Promise<T>): Promise<T> => {
    invalidate(workspaceId);
    try {
      return await write();
    } finally {
      invalidate(workspaceId);
    }
  };

  return {
    async get(workspaceId) {
      const cached = entries.get(workspaceId);
      if (cached && cached.expires > now()) return copy(cached.value);
      if (cached) entries.delete(workspaceId);
      let read = pending.get(workspaceId);
      if (!read) {
        const startedAt = generation;
        read = store.get(workspaceId).then(
          (value) => {
            if (pending.get(workspaceId) === read) pending.delete(workspaceId);
            if (generation === startedAt) remember(workspaceId, value);
            return value;
          },
          (error: unknown) => {
            if (pending.get(workspaceId) === read) pending.delete(workspaceId);
            throw error;
          },
        );
        pending.set(workspaceId, read);
      }
      return copy(await read);
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
