import * as v from 'valibot';
import type { Database } from './database.ts';

/** What stands in a send's way, as the database says at this moment. */
export type GuardState = {
  /** The customer opted out of this business number. */
  optOut?: { since: Date; changedBy: string; reason: string };
  /** The template is paused, disabled, rejected or being deleted (order-status sends only). */
  template?: { event: string; reason: string | undefined; since: Date };
  /** The business number is flagged; `override` when an admin resumed bulk sends deliberately. */
  number?: {
    event: string;
    currentLimit: string | undefined;
    since: Date;
    override: { by: string; at: Date } | undefined;
  };
};

export type GuardQuery = {
  workspaceId: string;
  businessNumber: string;
  /** Undefined when no customer is concerned (may a bulk job start?). */
  customerHash: string | undefined;
  /** Undefined for a session text (no template). */
  templateName: string | undefined;
};

const RowSchema = v.object({
  opt_since: v.nullable(v.date()),
  opt_by: v.nullable(v.string()),
  opt_reason: v.nullable(v.string()),
  t_event: v.nullable(v.string()),
  t_reason: v.nullable(v.string()),
  t_since: v.nullable(v.date()),
  q_event: v.nullable(v.string()),
  q_limit: v.nullable(v.string()),
  q_since: v.nullable(v.date()),
  q_override_by: v.nullable(v.string()),
  q_override_at: v.nullable(v.date()),
});

// Everything the guard needs in one statement, read on every send: no cache for a STOP or a pause to
// wait behind, on any replica.
const READ = `
SELECT o.since AS opt_since, o.changed_by AS opt_by, o.reason AS opt_reason,
       t.event AS t_event, t.reason AS t_reason, t.since AS t_since,
       q.event AS q_event, q.current_limit AS q_limit, q.since AS q_since,
       q.override_by AS q_override_by, q.override_at AS q_override_at
  FROM (SELECT 1) one
  LEFT JOIN opt_outs o ON o.workspace_id = $1 AND o.business_number = $2 AND o.customer_hash = $3::text
  LEFT JOIN template_states t ON t.workspace_id = $1 AND t.template_name = $4::text AND t.blocked
  LEFT JOIN number_quality q ON q.workspace_id = $1 AND q.business_number = $2 AND q.flagged`;

export function createSendGuardStore(db: Database) {
  return {
    async read(query: GuardQuery): Promise<GuardState> {
      const rows = await db.query(READ, [
        query.workspaceId,
        query.businessNumber,
        query.customerHash ?? null,
        query.templateName ?? null,
      ]);
      const r = v.parse(RowSchema, rows[0]);
      const state: GuardState = {};
      if (r.opt_since) {
        state.optOut = { since: r.opt_since, changedBy: r.opt_by ?? 'customer', reason: r.opt_reason ?? '' };
      }
      if (r.t_event && r.t_since) {
        state.template = { event: r.t_event, reason: r.t_reason ?? undefined, since: r.t_since };
      }
      if (r.q_event && r.q_since) {
        state.number = {
          event: r.q_event,
          currentLimit: r.q_limit ?? undefined,
          since: r.q_since,
          override:
            r.q_override_by && r.q_override_at ? { by: r.q_override_by, at: r.q_override_at } : undefined,
        };
      }
      return state;
    },
  };
}

export type SendGuardStore = ReturnType<typeof createSendGuardStore>;
