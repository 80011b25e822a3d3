import * as v from 'valibot';
import type { SavedReply, SavedReplyName } from '../domain/saved-reply.ts';
import type { Database } from './database.ts';
import { Timestamp } from './row-schema.ts';

/** The saved_replies table (migration 25), every column. */
export const SavedRepliesRowSchema = v.object({
  workspace_id: v.string(),
  /** The name folded (domain/saved-reply.ts): unique per workspace. */
  name_key: v.string(),
  /** One of the workspace's numbered places (1 to its bound): unique per workspace. */
  slot: v.number(),
  name: v.string(),
  /** The text as written, placeholders unfilled. */
  body: v.string(),
  /** A Slack user id, or `cli`. */
  saved_by: v.string(),
  saved_at: Timestamp,
});

const ReplySchema = v.pick(SavedRepliesRowSchema, ['name', 'body', 'saved_by', 'saved_at']);
const COLUMNS = 'name, body, saved_by, saved_at';

export type AddSavedReply = SavedReplyName & {
  workspaceId: string;
  text: string;
  by: string;
  /** Replace the text of a reply of the same name instead of refusing. */
  replace: boolean;
  /** How many the workspace may keep. */
  max: number;
};

export type SavedReplyAdded =
  | { outcome: 'added'; reply: SavedReply }
  | { outcome: 'replaced'; reply: SavedReply }
  | { outcome: 'exists'; existing: SavedReply }
  | { outcome: 'full' };

// The lowest free slot, taken in one statement. Two replicas adding at once may pick the same slot, or the
// same name: the unique constraints let one in and the other insert nothing, and add() then looks again.
const INSERT = `
INSERT INTO saved_replies (workspace_id, name_key, slot, name, body, saved_by)
SELECT $1, $2, s, $3, $4, $5 FROM generate_series(1, $6::int) AS s
 WHERE s NOT IN (SELECT slot FROM saved_replies WHERE workspace_id = $1)
 ORDER BY s LIMIT 1
ON CONFLICT DO NOTHING
RETURNING ${COLUMNS}`;

const REPLACE = `
UPDATE saved_replies SET name = $3, body = $4, saved_by = $5, saved_at = now()
 WHERE workspace_id = $1 AND name_key = $2
RETURNING ${COLUMNS}`;

// Each miss means another replica added or removed one meanwhile: a workspace's places, and a few more,
// are more tries than any add needs unless replies churn faster than one statement.
const ATTEMPTS = 3;

/** Saved replies per workspace, shared by every replica (one statement each, on both stores). */
export function createSavedRepliesStore(db: Database) {
  const one = async (sql: string, params: readonly unknown[]) => {
    const [row] = await db.query(sql, params);
    return row === undefined ? undefined : toReply(row);
  };
  const get = (workspaceId: string, key: string) =>
    one(`SELECT ${COLUMNS} FROM saved_replies WHERE workspace_id = $1 AND name_key = $2`, [workspaceId, key]);
  const count = async (workspaceId: string): Promise<number> => {
    const rows = await db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM saved_replies WHERE workspace_id = $1',
      [workspaceId],
    );
    return Number(rows[0]?.n ?? 0);
  };

  return {
    get,
    count,

    /**
     * Adds a reply in the lowest free place; a name that exists (whatever its case) is refused unless
     * `replace`, a full workspace always.
     */
    async add(entry: AddSavedReply): Promise<SavedReplyAdded> {
      const values = [entry.workspaceId, entry.key, entry.name, entry.text, entry.by];
      for (let attempt = 0; attempt < entry.max + ATTEMPTS; attempt++) {
        if (entry.replace) {
          const replaced = await one(REPLACE, values);
          if (replaced) return { outcome: 'replaced', reply: replaced };
        }
        const added = await one(INSERT, [...values, entry.max]);
        if (added) return { outcome: 'added', reply: added };
        const existing = await get(entry.workspaceId, entry.key);
        if (existing && !entry.replace) return { outcome: 'exists', existing };
        if (!existing && (await count(entry.workspaceId)) >= entry.max) return { outcome: 'full' };
      }
      throw new Error('Saved replies changed too often at once to add this one; try again.');
    },

    /** Removes the reply of that name; the one removed, or undefined when there was none. */
    remove(workspaceId: string, key: string): Promise<SavedReply | undefined> {
      return one(`DELETE FROM saved_replies WHERE workspace_id = $1 AND name_key = $2 RETURNING ${COLUMNS}`, [
        workspaceId,
        key,
      ]);
    },

    /** Every reply of the workspace, by name as people sort them (`reply 2` before `reply 10`). */
    async list(workspaceId: string): Promise<SavedReply[]> {
      const rows = await db.query(`SELECT ${COLUMNS} FROM saved_replies WHERE workspace_id = $1`, [
        workspaceId,
      ]);
      return rows.map(toReply).sort(byName);
    },
  };
}

export type SavedRepliesStore = ReturnType<typeof createSavedRepliesStore>;

// The same order on both stores, whatever each database's collation.
const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const byName = (x: SavedReply, y: SavedReply) =>
  collator.compare(x.name, y.name) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);

function toReply(row: unknown): SavedReply {
  const reply = v.parse(ReplySchema, row);
  return { name: reply.name, text: reply.body, savedBy: reply.saved_by, savedAt: reply.saved_at };
}
