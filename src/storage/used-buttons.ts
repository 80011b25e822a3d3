import { StorageError } from '../errors/storage-error.ts';
import type { Database } from './database.ts';

/**
 * The nonces of the Retry / Send again buttons that were used. Using one is a single unique insert,
 * so of any number of clicks on one button (replays, double clicks, several replicas) exactly one
 * wins. A nonce is kept until its button expires: after that the button is refused anyway.
 */
export function createUsedButtons(db: Database) {
  return {
    /** True for the first use of `nonce`; false when it was used before. StorageError when unreachable. */
    async use(nonce: string, workspaceId: string, expiresAt: Date): Promise<boolean> {
      const rows = await db
        .query(
          `INSERT INTO used_buttons (nonce, workspace_id, expires_at) VALUES ($1, $2, $3)
           ON CONFLICT (nonce) DO NOTHING RETURNING nonce`,
          [nonce, workspaceId, expiresAt],
        )
        .catch((error: unknown) => {
          throw error instanceof StorageError
            ? error
            : new StorageError('Could not record the use of a button.', { cause: error });
        });
      return rows.length === 1;
    },
  };
}

export type UsedButtons = ReturnType<typeof createUsedButtons>;
