import * as v from 'valibot';
import { NumberQualityRowSchema, TemplateStatesRowSchema } from './consent-tables.ts';
import type { Database } from './database.ts';

/** A template's state as Meta last told it (an event) or as a send's failure revealed it. */
export type TemplateStateChange = {
  workspaceId: string;
  /** The template; undefined when it is the one `attemptId` was sent with (learnt from its failed delivery). */
  templateName: string | undefined;
  attemptId?: string | undefined;
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
const AppliedTemplateSchema = v.object({ ...AppliedSchema.entries, template_name: v.string() });

/** Every template state of a workspace and its number's quality, for admins (App Home, `quality show`). */
export type AccountHealthView = {
  templates: Array<{
    name: string;
    event: string;
    blocked: boolean;
    reason: string | undefined;
    since: Date;
  }>;
  number:
    | {
        event: string;
        flagged: boolean;
        currentLimit: string | undefined;
        since: Date;
        override: { by: string; at: Date } | undefined;
      }
    | undefined;
};

const TemplateRowSchema = v.pick(TemplateStatesRowSchema, [
  'template_name',
  'event',
  'blocked',
  'reason',
  'since',
]);
const NumberRowSchema = v.pick(NumberQualityRowSchema, [
  'event',
  'flagged',
  'current_limit',
  'since',
  'override_by',
  'override_at',
]);

// The override and its journal row in one statement; only a flagged number without an override yet.
const OVERRIDE = `
WITH o AS (
  UPDATE number_quality SET override_by = $3, override_at = now()
   WHERE workspace_id = $1 AND business_number = $2 AND flagged AND override_by IS NULL
  RETURNING event, current_limit, override_at
), j AS (
  INSERT INTO quality_overrides (id, workspace_id, business_number, event, current_limit, overridden_by, overridden_at)
  SELECT $4, $1, $2, o.event, o.current_limit, $3, o.override_at FROM o
  RETURNING 1
)
SELECT o.event, o.override_at FROM o, j`;

// The row before (its snapshot) and the upsert in one statement: `changed` says whether the blocking
// flipped, so one event is announced once whichever replica received it.
const APPLY_TEMPLATE = `
WITH name AS (
  -- The template by name, or (learnt from a failed delivery) the one the attempt was sent with.
  SELECT COALESCE($2::text,
    (SELECT template_name FROM send_journal WHERE workspace_id = $1 AND id = $7::text)) AS template_name
), old AS (
  SELECT t.blocked FROM template_states t, name WHERE t.workspace_id = $1 AND t.template_name = name.template_name
), up AS (
  INSERT INTO template_states AS t (workspace_id, template_name, event, blocked, reason, source, announced_at)
  -- A template first heard of as allowed changed nothing: there is nothing to announce.
  SELECT $1, name.template_name, $3, COALESCE($4::boolean, false), $5, $6,
         CASE WHEN COALESCE($4::boolean, false) THEN NULL ELSE now() END
    FROM name WHERE name.template_name IS NOT NULL
  ON CONFLICT (workspace_id, template_name) DO UPDATE SET
    event = EXCLUDED.event,
    blocked = COALESCE($4::boolean, t.blocked),
    reason = CASE WHEN $4::boolean IS NULL THEN t.reason ELSE EXCLUDED.reason END,
    source = EXCLUDED.source,
    since = CASE WHEN COALESCE($4::boolean, t.blocked) = t.blocked THEN t.since ELSE now() END,
    announced_at = CASE WHEN COALESCE($4::boolean, t.blocked) = t.blocked THEN t.announced_at ELSE NULL END
  RETURNING template_name, blocked, since
)
SELECT up.template_name, (up.blocked IS DISTINCT FROM COALESCE((SELECT blocked FROM old), false)) AS changed,
  up.since FROM up`;

const APPLY_QUALITY = `
WITH old AS (
  SELECT flagged FROM number_quality WHERE workspace_id = $1 AND business_number = $2
), up AS (
  INSERT INTO number_quality AS q (workspace_id, business_number, event, flagged, current_limit, announced_at)
  VALUES ($1, $2, $3, COALESCE($4::boolean, false), $5, CASE WHEN COALESCE($4::boolean, false) THEN NULL ELSE now() END)
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
    /** `templateName` is the template's (undefined when no attempt `attemptId` names one). */
    async applyTemplate(
      change: TemplateStateChange,
    ): Promise<Applied & { templateName: string | undefined }> {
      const rows = await db.query(APPLY_TEMPLATE, [
        change.workspaceId,
        change.templateName ?? null,
        change.event,
        change.blocked ?? null,
        change.reason ?? null,
        change.source,
        change.attemptId ?? null,
      ]);
      const parsed = v.safeParse(AppliedTemplateSchema, rows[0]);
      if (!parsed.success) return { changed: false, since: new Date(), templateName: change.templateName };
      const { changed, since, template_name } = parsed.output;
      return { changed, since, templateName: template_name };
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

    /**
     * An admin resumes bulk sends while the number is flagged, journaled (quality_overrides). Undefined
     * when the number is not flagged or already overridden.
     */
    async override(input: { workspaceId: string; businessNumber: string; by: string; id: string }) {
      const rows = await db.query<{ event: string; override_at: Date }>(OVERRIDE, [
        input.workspaceId,
        input.businessNumber,
        input.by,
        input.id,
      ]);
      const row = rows[0];
      return row ? { event: row.event, at: new Date(row.override_at) } : undefined;
    },

    async read(workspaceId: string, businessNumber: string): Promise<AccountHealthView> {
      const [templates, numbers] = await Promise.all([
        db.query(
          `SELECT template_name, event, blocked, reason, since FROM template_states WHERE workspace_id = $1
            ORDER BY blocked DESC, since DESC LIMIT 20`,
          [workspaceId],
        ),
        db.query(
          `SELECT event, flagged, current_limit, since, override_by, override_at FROM number_quality
            WHERE workspace_id = $1 AND business_number = $2`,
          [workspaceId, businessNumber],
        ),
      ]);
      const number = numbers[0] ? v.parse(NumberRowSchema, numbers[0]) : undefined;
      return {
        templates: templates.map((row) => {
          const t = v.parse(TemplateRowSchema, row);
          return {
            name: t.template_name,
            event: t.event,
            blocked: t.blocked,
            reason: t.reason ?? undefined,
            since: t.since,
          };
        }),
        number: number && {
          event: number.event,
          flagged: number.flagged,
          currentLimit: number.current_limit ?? undefined,
          since: number.since,
          override:
            number.override_by && number.override_at
              ? { by: number.override_by, at: number.override_at }
              : undefined,
        },
      };
    },
  };
}

export type AccountHealthStore = ReturnType<typeof createAccountHealthStore>;
