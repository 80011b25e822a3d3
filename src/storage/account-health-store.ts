import * as v from 'valibot';
import { APPLY_QUALITY, APPLY_TEMPLATE, OVERRIDE } from './account-health-statements.ts';
import { AccountEventsRowSchema, NumberQualityRowSchema, TemplateStatesRowSchema } from './consent-tables.ts';
import type { Database } from './database.ts';

/** A template's state as Meta last told it (an event) or as a send's failure revealed it. */
export type TemplateStateChange = {
  workspaceId: string;
  /** The template; undefined when it is the one `attemptId` was sent with (learnt from its failed delivery). */
  templateName: string | undefined;
  /** Its language; undefined: the attempt's, else none named ('' — every language of the template). */
  languageCode: string | undefined;
  attemptId?: string | undefined;
  event: string;
  /** true: sends with it are refused; false: allowed again; undefined: the event changes neither. */
  blocked: boolean | undefined;
  reason: string | undefined;
  source: 'event' | 'send';
  /** When it happened by Meta's clock: older than the state's newest event, it changes nothing. */
  at: Date;
  /** The event's id in account_events. */
  id: string;
};

/** The business number's quality as Meta last told it. */
export type NumberQualityChange = {
  workspaceId: string;
  businessNumber: string;
  event: string;
  /** true: bulk sends pause; false: they may go again; undefined: neither. */
  flagged: boolean | undefined;
  currentLimit: string | undefined;
  at: Date;
  id: string;
};

/**
 * What an event did: `applied` false when it was older than the state (recorded, nothing else);
 * `changed` when what sends are allowed flipped (a repeat of the same event changes nothing).
 */
export type Applied = { applied: boolean; changed: boolean; since: Date };

const AppliedQualitySchema = v.object({
  changed: v.boolean(),
  since: v.nullable(v.date()),
  applied: v.nullable(v.boolean()),
});
const AppliedTemplateSchema = v.object({
  ...AppliedQualitySchema.entries,
  template_name: v.string(),
  language_code: v.nullable(v.string()),
});

/** A template state of the workspace, for admins. */
export type TemplateStateView = {
  name: string;
  /** '' when Meta's event named none (it stands for every language). */
  language: string;
  event: string;
  blocked: boolean;
  reason: string | undefined;
  since: Date;
};

/** One event Meta sent, as recorded: `applied` false when it came after a newer one. */
export type AccountEventView = {
  kind: 'template' | 'number';
  subject: string;
  language: string;
  event: string;
  at: Date;
  receivedAt: Date;
  applied: boolean;
};

/** Every template state of a workspace and its number's quality, for admins (App Home, `quality show`). */
export type AccountHealthView = {
  templates: TemplateStateView[];
  number:
    | {
        event: string;
        flagged: boolean;
        currentLimit: string | undefined;
        since: Date;
        override: { by: string; at: Date } | undefined;
      }
    | undefined;
  /** The newest events heard, newest first (late ones included, marked). */
  events: AccountEventView[];
};

/** How many of the newest events an admin is shown. */
export const EVENTS_SHOWN = 10;

const TemplateRowSchema = v.pick(TemplateStatesRowSchema, [
  'template_name',
  'language_code',
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
const EventRowSchema = v.pick(AccountEventsRowSchema, [
  'kind',
  'subject',
  'language_code',
  'event',
  'event_at',
  'received_at',
  'applied',
]);

/** Template states and number quality per workspace: what the send guard reads on every send. */
export function createAccountHealthStore(db: Database) {
  return {
    /** Each template-and-language whose state the event changed (a lift may lift several), or none. */
    async applyTemplate(
      change: TemplateStateChange,
    ): Promise<Array<Applied & { templateName: string; languageCode: string }>> {
      const rows = await db.query(APPLY_TEMPLATE, [
        change.workspaceId,
        change.templateName ?? null,
        change.event,
        change.blocked ?? null,
        change.reason ?? null,
        change.source,
        change.attemptId ?? null,
        change.languageCode ?? null,
        change.at,
        change.id,
      ]);
      return rows.flatMap((row) => {
        const parsed = v.safeParse(AppliedTemplateSchema, row);
        if (!parsed.success || parsed.output.language_code === null || !parsed.output.since) return [];
        const { changed, since, applied, template_name, language_code } = parsed.output;
        return [
          {
            applied: applied === true,
            changed,
            since,
            templateName: template_name,
            languageCode: language_code,
          },
        ];
      });
    },

    async applyQuality(change: NumberQualityChange): Promise<Applied> {
      const rows = await db.query(APPLY_QUALITY, [
        change.workspaceId,
        change.businessNumber,
        change.event,
        change.flagged ?? null,
        change.currentLimit ?? null,
        change.at,
        change.id,
      ]);
      const parsed = v.safeParse(AppliedQualitySchema, rows[0]);
      if (!parsed.success) return { applied: false, changed: false, since: change.at };
      const { changed, since, applied } = parsed.output;
      return { applied: applied === true, changed, since: since ?? change.at };
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
      const [templates, numbers, events] = await Promise.all([
        db.query(
          `SELECT template_name, language_code, event, blocked, reason, since FROM template_states
            WHERE workspace_id = $1 ORDER BY blocked DESC, since DESC LIMIT 20`,
          [workspaceId],
        ),
        db.query(
          `SELECT event, flagged, current_limit, since, override_by, override_at FROM number_quality
            WHERE workspace_id = $1 AND business_number = $2`,
          [workspaceId, businessNumber],
        ),
        db.query(
          `SELECT kind, subject, language_code, event, event_at, received_at, applied FROM account_events
            WHERE workspace_id = $1 ORDER BY received_at DESC LIMIT $2`,
          [workspaceId, EVENTS_SHOWN],
        ),
      ]);
      const number = numbers[0] ? v.parse(NumberRowSchema, numbers[0]) : undefined;
      return {
        templates: templates.map((row) => {
          const t = v.parse(TemplateRowSchema, row);
          return {
            name: t.template_name,
            language: t.language_code,
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
        events: events.map((row) => {
          const e = v.parse(EventRowSchema, row);
          return {
            kind: e.kind,
            subject: e.subject,
            language: e.language_code,
            event: e.event,
            at: e.event_at,
            receivedAt: e.received_at,
            applied: e.applied,
          };
        }),
      };
    },
  };
}

export type AccountHealthStore = ReturnType<typeof createAccountHealthStore>;
