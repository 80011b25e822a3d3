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
};

export type ConsentApplied = {
  /** False when this change (by its id) was already journaled: nothing was done again. */
  journaled: boolean;
  /** Whether the number's state changed (an opt-out of a number already opted out changes nothing). */
  changed: boolean;
  at: Date;
};

const AppliedSchema = v.object({ journaled: v.boolean(), changed: v.boolean(), at: v.date() });
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

// The journal row and the state change in one statement (the embedded database has no multi-statement
// transactions): the journal's id decides whether anything happens at all, so applying one message's
// keyword twice (Kaleyra retried the callback) does nothing the second time, even after a later START.
const JOURNAL = `
  INSERT INTO opt_out_changes (id, workspace_id, business_number, customer_hash, customer_masked, action, changed_by, reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (id) DO NOTHING RETURNING changed_at`;

const OPT_OUT = `
WITH j AS (${JOURNAL}), up AS (
  INSERT INTO opt_outs (workspace_id, business_number, customer_hash, customer_masked, since, changed_by, reason)
  SELECT $2, $3, $4, $5, j.changed_at, $7, $8 FROM j
  ON CONFLICT (workspace_id, business_number, customer_hash) DO NOTHING
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM j) AS journaled, EXISTS (SELECT 1 FROM up) AS changed,
  COALESCE((SELECT changed_at FROM j), now()) AS at`;

const OPT_IN = `
WITH j AS (${JOURNAL}), gone AS (
  DELETE FROM opt_outs WHERE workspace_id = $2 AND business_number = $3 AND customer_hash = $4
    AND EXISTS (SELECT 1 FROM j)
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM j) AS journaled, EXISTS (SELECT 1 FROM gone) AS changed,
  COALESCE((SELECT changed_at FROM j), now()) AS at`;

/** Opt-outs per workspace and business number, their journal, and the keywords admins added. */
export function createConsentStore(db: Database) {
  return {
    async apply(change: ConsentChange): Promise<ConsentApplied> {
      const rows = await db.query(change.action === 'opt_out' ? OPT_OUT : OPT_IN, [
        change.id,
        change.workspaceId,
        change.businessNumber,
        change.customerHash,
        change.customerMasked,
        change.action,
        change.changedBy,
        change.reason,
      ]);
      return v.parse(AppliedSchema, rows[0]);
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
