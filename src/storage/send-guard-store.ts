import * as v from 'valibot';
import { templateStopRows } from './account-stops.ts';
import type { Database } from './database.ts';
import { createStatementBatcher } from './statement-batcher.ts';

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
  /** The template's language: a stop in another language does not refuse it. */
  languageCode?: string | undefined;
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

// Everything the guard needs in one statement, read on every send (the sends of one event-loop turn
// share it: statement-batcher.ts): no cache for a STOP or a pause to wait behind, on any replica.
const READ = `
SELECT i.n,
       o.since AS opt_since, o.changed_by AS opt_by, o.reason AS opt_reason,
       t.event AS t_event, t.reason AS t_reason, t.since AS t_since,
       q.event AS q_event, q.current_limit AS q_limit, q.since AS q_since,
       q.override_by AS q_override_by, q.override_at AS q_override_at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY
         AS i(workspace_id, business_number, customer_hash, template_name, language_code, n)
  LEFT JOIN opt_outs o ON o.workspace_id = i.workspace_id AND o.business_number = i.business_number
    AND o.customer_hash = i.customer_hash
  LEFT JOIN LATERAL (
    SELECT t.event, t.reason, t.since FROM template_states t
     WHERE ${templateStopRows('i.workspace_id', 'i.template_name', 'i.language_code')}
     ORDER BY t.language_code DESC LIMIT 1
  ) t ON true
  LEFT JOIN number_quality q ON q.workspace_id = i.workspace_id AND q.business_number = i.business_number
    AND q.flagged`;

function stateOf(row: unknown): GuardState {
  const r = v.parse(RowSchema, row);
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
      override: r.q_override_by && r.q_override_at ? { by: r.q_override_by, at: r.q_override_at } : undefined,
    };
  }
  return state;
}

export function createSendGuardStore(db: Database) {
  const read = createStatementBatcher<GuardQuery, GuardState>(async (queries) => {
    const rows = await db.query<Record<string, unknown>>(READ, [
      queries.map((q) => q.workspaceId),
      queries.map((q) => q.businessNumber),
      queries.map((q) => q.customerHash ?? null),
      queries.map((q) => q.templateName ?? null),
      queries.map((q) => q.languageCode ?? ''),
    ]);
    const byIndex = new Map(rows.map((row) => [Number(row.n), row]));
    return queries.map((_, i) => stateOf(byIndex.get(i + 1)));
  });
  return { read };
}

export type SendGuardStore = ReturnType<typeof createSendGuardStore>;
