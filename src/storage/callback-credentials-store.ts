import type { Database } from './database.ts';

/** A workspace's Kaleyra callback login as stored: the public username and the secret's keyed hash. */
export type StoredCallbackCredentials = {
  workspaceId: string;
  username: string;
  secretHash: string;
};

export type CallbackCredentialsInfo = {
  username: string;
  rotatedAt: Date;
  rotatedBy: string;
  /** When a callback last authenticated as this workspace (written at most every ~10 s). */
  lastCallbackAt: Date | null;
};

/** How stale "last callback received" may be: written at most this often per workspace, so callbacks never queue on it. */
export const LAST_CALLBACK_EVERY_SECONDS = 10;

type Row = {
  workspace_id: string;
  username: string;
  secret_hash: string;
  rotated_at: Date;
  rotated_by: string;
  last_callback_at: Date | null;
};

/**
 * Per-workspace HTTP Basic credentials for Kaleyra's status callbacks. The secret itself is never
 * stored: only its keyed hash (the caller computes it). The username stays the same across rotations,
 * so only the password changes in Kaleyra's callback profile.
 */
export function createCallbackCredentialsStore(db: Database) {
  return {
    /** Stores a new secret hash; the first rotation also takes `newUsername`. Returns the username in use. */
    async rotate(workspaceId: string, secretHash: string, newUsername: string, by: string): Promise<string> {
      const rows = await db.query<Pick<Row, 'username'>>(
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
      const rows = await db.query<Row>(
        'SELECT workspace_id, username, secret_hash FROM callback_credentials WHERE username = $1',
        [username],
      );
      const row = rows[0];
      return row && { workspaceId: row.workspace_id, username: row.username, secretHash: row.secret_hash };
    },

    async show(workspaceId: string): Promise<CallbackCredentialsInfo | undefined> {
      const rows = await db.query<Row>(
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
