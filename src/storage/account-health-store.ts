import * as v from 'valibot';
import type { Database } from './database.ts';

/** A template's state as Meta last told it (an event) or as a send's failure revealed it. */
export type TemplateStateChange = {
  workspaceId: string;
  templateName: string;
  event: string;
  /** true: sends with it are refused; false: allowed again; undefined: the event changes neither. */
  blocked: boolean | undefined;
  reason: string | undefined;
  source: 'event' | 'send';
};

/** The business number's quality as Meta last told it. */
export type NumberQualityChange = {
  workspaceId: string;
  businessNumber: string;
  event: string;
  /** true: bulk sends pause; false: they may go again; undefined: neither. */
  flagged: boolean | undefined;
  currentLimit: string | undefined;
};

/** Whether what sends are allowed changed with this event (a repeat of the same event changes nothing). */
export type Applied = { changed: boolean; since: Date };

const AppliedSchema = v.object({ changed: v.boolean(), since: v.date() });

// The row before (its snapshot) and the upsert in one statement: `changed` says whether the blocking
// flipped, so one event is announced once whichever replica received it.
const APPLY_TEMPLATE = `
WITH old AS (
  SELECT blocked FROM template_states WHERE workspace_id = $1 AND template_name = $2
), up AS (
  INSERT INTO template_states AS t (workspace_id, template_name, event, blocked, reason, source)
  VALUES ($1, $2, $3, COALESCE($4::boolean, false), $5, $6)
  ON CONFLICT (workspace_id, template_name) DO UPDATE SET
    event = EXCLUDED.event,
    blocked = COALESCE($4::boolean, t.blocked),
    reason = CASE WHEN $4::boolean IS NULL THEN t.reason ELSE EXCLUDED.reason END,
    source = EXCLUDED.source,
    since = CASE WHEN COALESCE($4::boolean, t.blocked) = t.blocked THEN t.since ELSE now() END,
    announced_at = CASE WHEN COALESCE($4::boolean, t.blocked) = t.blocked THEN t.announced_at ELSE NULL END
  RETURNING blocked, since
)
SELECT (up.blocked IS DISTINCT FROM COALESCE((SELECT blocked FROM old), false)) AS changed, up.since FROM up`;

const APPLY_QUALITY = `
WITH old AS (
  SELECT flagged FROM number_quality WHERE workspace_id = $1 AND business_number = $2
), up AS (
  INSERT INTO number_quality AS q (workspace_id, business_number, event, flagged, current_limit)
  VALUES ($1, $2, $3, COALESCE($4::boolean, false), $5)
  ON CONFLICT (workspace_id, business_number) DO UPDATE SET
    event = EXCLUDED.event,
    flagged = COALESCE($4::boolean, q.flagged),
    current_limit = COALESCE(EXCLUDED.current_limit, q.current_limit),
    since = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.since ELSE now() END,
    -- A new flag needs a new deliberate override; so does a new announcement.
    override_by = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.override_by ELSE NULL END,
    override_at = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.override_at ELSE NULL END,
    announced_at = CASE WHEN COALESCE($4::boolean, q.flagged) = q.flagged THEN q.announced_at ELSE NULL END
  RETURNING flagged, since
)
SELECT (up.flagged IS DISTINCT FROM COALESCE((SELECT flagged FROM old), false)) AS changed, up.since FROM up`;

/** Template states and number quality per workspace: what the send guard reads on every send. */
export function createAccountHealthStore(db: Database) {
  const applied = (rows: unknown[]): Applied => {
    const parsed = v.safeParse(AppliedSchema, rows[0]);
    return parsed.success ? parsed.output : { changed: false, since: new Date() };
  };
  return {
    async applyTemplate(change: TemplateStateChange): Promise<Applied> {
      return applied(
        await db.query(APPLY_TEMPLATE, [
          change.workspaceId,
          change.templateName,
          change.event,
          change.blocked ?? null,
          change.reason ?? null,
          change.source,
        ]),
      );
    },

    async applyQuality(change: NumberQualityChange): Promise<Applied> {
      return applied(
        await db.query(APPLY_QUALITY, [
          change.workspaceId,
          change.businessNumber,
          change.event,
          change.flagged ?? null,
          change.currentLimit ?? null,
        ]),
      );
    },
  };
}

export type AccountHealthStore = ReturnType<typeof createAccountHealthStore>;
