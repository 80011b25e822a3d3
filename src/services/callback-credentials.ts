import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import type {
  CallbackCredentialsInfo,
  CallbackCredentialsStore,
  StoredCallbackCredentials,
} from '../storage/callback-credentials-store.ts';
import { LAST_CALLBACK_EVERY_SECONDS } from '../storage/callback-credentials-store.ts';

/** How long a process serves a looked-up callback login from memory: a rotation applies everywhere within it. */
export const CALLBACK_LOGIN_CACHE_MS = 5_000;
const MAX_CACHED_LOGINS = 10_000;
// 192 bits: far above the 128 a fast keyed hash needs to be safe against guessing.
const PASSWORD_BYTES = 24;
const USERNAME_BYTES = 12;

export type NewCallbackCredentials = { username: string; password: string };

export type CallbackCredentialsDeps = {
  store: Pick<CallbackCredentialsStore, 'rotate' | 'findByUsername' | 'show' | 'noteCallback'>;
  keyedHash: KeyedHash;
  /** Told when noting "last callback received" failed (never fails a callback). */
  onNoteError?: (error: unknown) => void;
  now?: () => number;
};

type StoredLogin = StoredCallbackCredentials | undefined;
type CachedLogin = { found: StoredLogin; expires: number };

/**
 * Each workspace's HTTP Basic login for Kaleyra's callbacks: a random public username and a random
 * secret kept only as its keyed hash, compared in constant time. A random 192-bit secret needs no slow
 * password hash, and checking one costs microseconds on every callback.
 */
export function createCallbackCredentials(deps: CallbackCredentialsDeps) {
  const now = deps.now ?? Date.now;
  const logins = new Map<string, CachedLogin>();
  const pending = new Map<string, Promise<StoredLogin>>();
  const noted = new Map<string, number>();
  const hashSecret = (password: string) => deps.keyedHash(HASH_PURPOSES.callbackSecret, password);

  /** The stored login, from memory when read less than CALLBACK_LOGIN_CACHE_MS ago (`fresh`: just read). */
  async function lookUp(username: string, reread = false): Promise<{ found: StoredLogin; fresh: boolean }> {
    const cached = logins.get(username);
    if (!reread && cached && cached.expires > now()) return { found: cached.found, fresh: false };
    let read = pending.get(username);
    if (!read) {
      read = deps.store.findByUsername(username).finally(() => pending.delete(username));
      pending.set(username, read);
      const found = await read;
      logins.delete(username);
      logins.set(username, { found, expires: now() + CALLBACK_LOGIN_CACHE_MS });
      if (logins.size > MAX_CACHED_LOGINS) logins.delete(logins.keys().next().value as string);
      return { found, fresh: true };
    }
    return { found: await read, fresh: true };
  }

  const matches = (found: StoredLogin, password: string): boolean => {
    // Hashed whether or not the username exists, so the answer takes as long either way.
    const given = Buffer.from(hashSecret(password), 'base64url');
    const expected = Buffer.from(found?.secretHash ?? '', 'base64url');
    return found !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
  };

  return {
    /** A new secret (and, the first time, a username); the password is returned this once and never stored. */
    async rotate(workspaceId: string, by: string): Promise<NewCallbackCredentials> {
      const password = randomBytes(PASSWORD_BYTES).toString('base64url');
      const proposed = `cb-${randomBytes(USERNAME_BYTES).toString('base64url')}`;
      const username = await deps.store.rotate(workspaceId, hashSecret(password), proposed, by);
      logins.delete(username);
      return { username, password };
    },

    show(workspaceId: string): Promise<CallbackCredentialsInfo | undefined> {
      return deps.store.show(workspaceId);
    },

    /**
     * The workspace these credentials belong to, or undefined; rejects only when storage fails. A
     * password that does not match a remembered login is checked against the database again, so a
     * password rotated on another replica works here at once; the old one works for at most
     * CALLBACK_LOGIN_CACHE_MS more.
     */
    async verify(username: string, password: string): Promise<string | undefined> {
      let { found, fresh } = await lookUp(username);
      if (!matches(found, password) && !fresh && found !== undefined) {
        ({ found } = await lookUp(username, true));
      }
      return found && matches(found, password) ? found.workspaceId : undefined;
    },

    /** Notes that a callback arrived; at most one write per workspace per interval, never awaited by callers. */
    noteCallback(workspaceId: string): void {
      const last = noted.get(workspaceId) ?? 0;
      if (now() - last < LAST_CALLBACK_EVERY_SECONDS * 1000) return;
      noted.set(workspaceId, now());
      if (noted.size > MAX_CACHED_LOGINS) noted.delete(noted.keys().next().value as string);
      deps.store.noteCallback(workspaceId).catch((error: unknown) => deps.onNoteError?.(error));
    },
  };
}

export type CallbackCredentials = ReturnType<typeof createCallbackCredentials>;
