import * as v from 'valibot';
import type { KeywordAction } from '../domain/consent-keywords.ts';
import { ConsentKeywordsRowSchema, OptOutsRowSchema } from './consent-tables.ts';
import type { Database } from './database.ts';
import { type Camelized, camelRow } from './row-schema.ts';

/** A customer's opt-out or opt-in, as it is journaled: the number only as its keyed hash and masked. */
export type ConsentChange = {
  /** The journal row's id: a customer's keyword uses one made from their message's id, so a retried callback changes nothing. */
  id: string;
  workspaceId: string;
  businessNumber: string;
  customerHash: string;
  customerMasked: string;
  action: KeywordAction;
  /** `customer` (their keyword), a Slack user id (an admin), or `cli`. */
  changedBy: string;
  /** The keyword as the customer wrote it, or the admin's reason. */
  reason: string;
  /** When the customer wrote the word, or the admin acted (whole seconds): the newest decides. */
  causeAt: Date;
};

export type ConsentApplied = {
  /** False when this change (by its id) was already journaled: nothing was done again. */
  journaled: boolean;
  /** Whether the number's state changed (an opt-out of a number already opted out changes nothing). */
  changed: boolean;
  /** Older than what decides the number's consent: journaled, and nothing changed. */
  late: boolean;
  at: Date;
  /** When a change is late: the newer word or change that decides, when and whose. */
  decidedBy?: { at: Date; by: string };
};

const AppliedSchema = v.object({
  journaled: v.boolean(),
  changed: v.boolean(),
  late: v.boolean(),
  at: v.date(),
  cause_at: v.nullable(v.date()),
  cause_by: v.nullable(v.string()),
});
const EntrySchema = v.pick(OptOutsRowSchema, [
  'business_number',
  'customer_masked',
  'since',
  'changed_by',
  'reason',
]);
const KeywordSchema = v.pick(ConsentKeywordsRowSchema, ['keyword', 'action', 'added_by', 'added_at']);

/** An opted-out number as admins see it. */
export type OptOutEntry = Camelized<v.InferOutput<typeof EntrySchema>>;
export type ConsentKeyword = Camelized<v.InferOutput<typeof KeywordSchema>>;

// One statement (the embedded database has no multi-statement transactions), on one row per number: the
// upsert takes the row's lock and re-reads it, so two replicas applying a STOP and an older START at
// once end on the STOP whichever goes first. A change applies when it is no older than what decides the
// number now (a tie goes to the one applied last); `since`, who and why move only when the state flips.
// The journal's id decides whether anything happens at all: a retried callback's keyword changes nothing
// again, and is told what the first one did.
const APPLY = `
WITH s AS (
  INSERT INTO consent_states AS s (workspace_id, business_number, customer_hash, customer_masked, opted_out,
      since, changed_by, reason, change_id, cause_at, cause_by)
  SELECT $2, $3, $4, $5, $6::text = 'opt_out', CASE WHEN $6::text = 'opt_out' THEN now() END, $7, $8,
      CASE WHEN $6::text = 'opt_out' THEN $1::text END, $9::timestamptz, $7
   WHERE NOT EXISTS (SELECT 1 FROM opt_out_changes WHERE id = $1::text)
  ON CONFLICT (workspace_id, business_number, customer_hash) DO UPDATE SET
    customer_masked = EXCLUDED.customer_masked,
    opted_out = EXCLUDED.opted_out,
    since = CASE WHEN s.opted_out = EXCLUDED.opted_out THEN s.since ELSE now() END,
    changed_by = CASE WHEN s.opted_out = EXCLUDED.opted_out THEN s.changed_by ELSE EXCLUDED.changed_by END,
    reason = CASE WHEN s.opted_out = EXCLUDED.opted_out THEN s.reason ELSE EXCLUDED.reason END,
    change_id = CASE WHEN s.opted_out = EXCLUDED.opted_out THEN s.change_id ELSE $1::text END,
    cause_at = EXCLUDED.cause_at,
    cause_by = EXCLUDED.cause_by
  WHERE s.cause_at <= EXCLUDED.cause_at
  RETURNING change_id IS NOT DISTINCT FROM $1::text AS changed
), j AS (
  INSERT INTO opt_out_changes (id, workspace_id, business_number, customer_hash, customer_masked, action,
      changed_by, reason, cause_at, late)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, NOT EXISTS (SELECT 1 FROM s)
  ON CONFLICT (id) DO NOTHING RETURNING changed_at, late
), now_decides AS (
  SELECT cause_at, cause_by FROM consent_states
   WHERE workspace_id = $2 AND business_number = $3 AND customer_hash = $4
)
SELECT EXISTS (SELECT 1 FROM j) AS journaled,
  COALESCE((SELECT changed FROM s), false) AS changed,
  COALESCE((SELECT late FROM j), (SELECT late FROM opt_out_changes WHERE id = $1), false) AS late,
  COALESCE((SELECT changed_at FROM j), now()) AS at,
  (SELECT cause_at FROM now_decides) AS cause_at, (SELECT cause_by FROM now_decides) AS cause_by`;

/** Opt-outs per workspace and business number, their journal, and the keywords admins added. */
export function createConsentStore(db: Database) {
  return {
    async apply(change: ConsentChange): Promise<ConsentApplied> {
      const rows = await db.query(APPLY, [
        change.id,
        change.workspaceId,
        change.businessNumber,
        change.customerHash,
        change.customerMasked,
        change.action,
        change.changedBy,
        change.reason,
        change.causeAt,
      ]);
      const row = v.parse(AppliedSchema, rows[0]);
      const applied: ConsentApplied = {
        journaled: row.journaled,
        changed: row.changed,
        late: row.late,
        at: row.at,
      };
      if (row.late && row.cause_at && row.cause_by) {
        applied.decidedBy = { at: row.cause_at, by: row.cause_by };
      }
      return applied;
    },

    /** The numbers opted out of the workspace's business number (masked), newest first, at most `limit`. */
    async list(workspaceId: string, businessNumber: string, limit: number): Promise<OptOutEntry[]> {
      const rows = await db.query(
        `SELECT business_number, customer_masked, since, changed_by, reason FROM opt_outs
          WHERE workspace_id = $1 AND business_number = $2 ORDER BY since DESC LIMIT $3`,
        [workspaceId, businessNumber, limit],
      );
      return rows.map(toEntry);
    },

    async count(workspaceId: string, businessNumber: string): Promise<number> {
      const rows = await db.query<{ n: string | number }>(
        'SELECT count(*) AS n FROM opt_outs WHERE workspace_id = $1 AND business_number = $2',
        [workspaceId, businessNumber],
      );
      return Number(rows[0]?.n ?? 0);
    },

    /** The action of a keyword an admin added for this workspace (in keyword form), if any. */
    async keywordAction(workspaceId: string, keyword: string): Promise<KeywordAction | undefined> {
      const rows = await db.query<{ action: KeywordAction }>(
        'SELECT action FROM consent_keywords WHERE workspace_id = $1 AND keyword = $2',
        [workspaceId, keyword],
      );
      return rows[0]?.action;
    },

    /** Adds or changes a keyword; true when it was new or its action changed. */
    async addKeyword(workspaceId: string, keyword: string, action: KeywordAction, by: string) {
      const rows = await db.query(
        `INSERT INTO consent_keywords AS k (workspace_id, keyword, action, added_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (workspace_id, keyword) DO UPDATE SET action = EXCLUDED.action, added_by = EXCLUDED.added_by,
           added_at = now() WHERE k.action <> EXCLUDED.action
         RETURNING 1`,
        [workspaceId, keyword, action, by],
      );
      return rows.length === 1;
    },

    async removeKeyword(workspaceId: string, keyword: string): Promise<boolean> {
      const rows = await db.query(
        'DELETE FROM consent_keywords WHERE workspace_id = $1 AND keyword = $2 RETURNING 1',
        [workspaceId, keyword],
      );
      return rows.length === 1;
    },

    async listKeywords(workspaceId: string): Promise<ConsentKeyword[]> {
      const rows = await db.query(
        'SELECT keyword, action, added_by, added_at FROM consent_keywords WHERE workspace_id = $1 ORDER BY keyword',
        [workspaceId],
      );
      return rows.map((row) => {
        const k = v.parse(KeywordSchema, row);
        return { keyword: k.keyword, action: k.action, addedBy: k.added_by, addedAt: k.added_at };
      });
    },
  };
}

export type ConsentStore = ReturnType<typeof createConsentStore>;

function toEntry(row: unknown): OptOutEntry {
  return camelRow(v.parse(EntrySchema, row));
}
