import * as v from 'valibot';
import type { Database } from './database.ts';
import { type Camelized, camelRow, type Unnulled } from './row-schema.ts';

/**
 * A template or number change not yet told to the admins (`subject`: the template's name, or the
 * business number; `language`: the template's, '' for a number or an event that named none;
 * `stopped`: blocked, or flagged).
 */
export type Unannounced = Camelized<Unnulled<v.InferOutput<typeof RowSchema>>>;

/** A change older than this is no longer announced (a workspace whose Slack never answers stops being retried). */
export const ANNOUNCE_WITHIN_HOURS = 24;

const RowSchema = v.object({
  kind: v.picklist(['template', 'number']),
  workspace_id: v.string(),
  subject: v.string(),
  language: v.string(),
  event: v.string(),
  stopped: v.boolean(),
  reason: v.nullable(v.string()),
  current_limit: v.nullable(v.string()),
  since: v.date(),
});

// One statement claims them (announced_at is the claim): whichever replica runs it first tells the
// admins, once; SKIP LOCKED keeps two replicas sweeping at once from waiting on each other.
const CLAIM = `
WITH t AS (
  UPDATE template_states s SET announced_at = now()
    FROM (SELECT workspace_id, template_name, language_code FROM template_states
           WHERE announced_at IS NULL AND since > now() - make_interval(hours => $2)
           ORDER BY since LIMIT $1 FOR UPDATE SKIP LOCKED) c
   WHERE s.workspace_id = c.workspace_id AND s.template_name = c.template_name
     AND s.language_code = c.language_code
  RETURNING 'template'::text AS kind, s.workspace_id, s.template_name AS subject, s.language_code AS language,
    s.event, s.blocked AS stopped,
    s.reason, NULL::text AS current_limit, s.since
), q AS (
  UPDATE number_quality n SET announced_at = now()
    FROM (SELECT workspace_id, business_number FROM number_quality
           WHERE announced_at IS NULL AND since > now() - make_interval(hours => $2)
           ORDER BY since LIMIT $1 FOR UPDATE SKIP LOCKED) c
   WHERE n.workspace_id = c.workspace_id AND n.business_number = c.business_number
  RETURNING 'number'::text AS kind, n.workspace_id, n.business_number AS subject, ''::text AS language,
    n.event, n.flagged AS stopped,
    NULL::text AS reason, n.current_limit, n.since
)
SELECT * FROM t UNION ALL SELECT * FROM q`;

export function createAccountAnnouncementsStore(db: Database) {
  return {
    /** Claims up to `limit` of each kind not announced yet. */
    async claim(limit: number): Promise<Unannounced[]> {
      const rows = await db.query(CLAIM, [limit, ANNOUNCE_WITHIN_HOURS]);
      return rows.map((row) => camelRow(v.parse(RowSchema, row)));
    },

    /** Gives a claim back (Slack could not be reached), for the next sweep; unless the state changed since. */
    async release(
      change: Pick<Unannounced, 'kind' | 'workspaceId' | 'subject' | 'language' | 'since'>,
    ): Promise<void> {
      // `since` as read lost its microseconds: the same change is the one within a millisecond of it.
      const same = 'abs(extract(epoch FROM since - $3::timestamptz)) < 0.001';
      if (change.kind === 'template') {
        await db.query(
          `UPDATE template_states SET announced_at = NULL WHERE workspace_id = $1 AND template_name = $2
              AND language_code = $4 AND ${same}`,
          [change.workspaceId, change.subject, change.since, change.language],
        );
        return;
      }
      await db.query(
        `UPDATE number_quality SET announced_at = NULL WHERE workspace_id = $1 AND business_number = $2 AND ${same}`,
        [change.workspaceId, change.subject, change.since],
      );
    },
  };
}

export type AccountAnnouncementsStore = ReturnType<typeof createAccountAnnouncementsStore>;
