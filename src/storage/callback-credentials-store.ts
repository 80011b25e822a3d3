import * as v from 'valibot';
import type { Database } from './database.ts';
import { type Camelized, Timestamp } from './row-schema.ts';

/**
 * One row of `callback_credentials`, every column (migration 7): the one description of that table's
 * rows (test/storage/table-rows.test.ts compares it with the table).
 */
export const CallbackCredentialsRowSchema = v.object({
  workspace_id: v.string(),
  /** Public, and the same across rotations: only the password changes in Kaleyra's callback profile. */
  username: v.string(),
  /** The secret's keyed hash; the secret itself is never stored. */
  secret_hash: v.string(),
  rotated_at: Timestamp,
  rotated_by: v.string(),
  /** When a callback last authenticated as this workspace (written at most every ~10 s). */
  last_callback_at: v.nullable(Timestamp),
});
export type CallbackCredentialsRow = v.InferOutput<typeof CallbackCredentialsRowSchema>;

/** A workspace's Kaleyra callback login as stored: the public username and the secret's keyed hash. */
type LoginRow = Pick<CallbackCredentialsRow, 'workspace_id' | 'username' | 'secret_hash'>;
export type StoredCallbackCredentials = Camelized<LoginRow>;

type InfoRow = Pick<CallbackCredentialsRow, 'username' | 'rotated_at' | 'rotated_by' | 'last_callback_at'>;
export type CallbackCredentialsInfo = Camelized<InfoRow>;

/** How stale "last callback received" may be: written at most this often per workspace, so callbacks never queue on it. */
export const LAST_CALLBACK_EVERY_SECONDS = 10;

/**
 * Per-workspace HTTP Basic credentials for Kaleyra's status callbacks. The secret itself is never
 * stored: only its keyed hash (the caller computes it). The username stays the same across rotations,
 * so only the password changes in Kaleyra's callback profile.
 */
export function createCallbackCredentialsStore(db: Database) {
  return {
    /** Stores a new secret hash; the first rotation also takes `newUsername`. Returns the username in use. */
    async rotate(workspaceId: string, secretHash: string, newUsername: string, by: string): Promise<string> {
      const rows = await db.query<Pick<CallbackCredentialsRow, 'username'>>(
        `INSERT INTO callback_credentials (workspace_id, username, secret_hash, rotated_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id) DO UPDATE
           SET secret_hash = EXCLUDED.secret_hash, rotated_at = now(), rotated_by = EXCLUDED.rotated_by
         RETURNING username`,
        [workspaceId, newUsername, secretHash, by],
      );
      const username = rows[0]?.username;
      if (!username) throw new Error('rotating the callback credentials returned no row');
      return username;
    },

    async findByUsername(username: string): Promise<StoredCallbackCredentials | undefined> {
      const rows = await db.query<LoginRow>(
        'SELECT workspace_id, username, secret_hash FROM callback_credentials WHERE username = $1',
        [username],
      );
      const row = rows[0];
      return row && { workspaceId: row.workspace_id, username: row.username, secretHash: row.secret_hash };
    },

    async show(workspaceId: string): Promise<CallbackCredentialsInfo | undefined> {
      const rows = await db.query<InfoRow>(
        'SELECT username, rotated_at, rotated_by, last_callback_at FROM callback_credentials WHERE workspace_id = $1',
        [workspaceId],
      );
      const row = rows[0];
      return (
        row && {
          username: row.username,
          rotatedAt: row.rotated_at,
          rotatedBy: row.rotated_by,
          lastCallbackAt: row.last_callback_at,
        }
      );
    },

    /** "A callback arrived now", unless one was noted less than LAST_CALLBACK_EVERY_SECONDS ago. */
    async noteCallback(workspaceId: string): Promise<void> {
      await db.query(
        `UPDATE callback_credentials SET last_callback_at = now()
          WHERE workspace_id = $1
            AND (last_callback_at IS NULL OR last_callback_at < now() - make_interval(secs => $2))`,
        [workspaceId, LAST_CALLBACK_EVERY_SECONDS],
      );
    },

    async delete(workspaceId: string): Promise<boolean> {
      const rows = await db.query('DELETE FROM callback_credentials WHERE workspace_id = $1 RETURNING 1', [
        workspaceId,
      ]);
      return rows.length > 0;
    },
  };
}

export type CallbackCredentialsStore = ReturnType<typeof createCallbackCredentialsStore>;
