import * as v from 'valibot';
import { BULK_OUTCOMES } from '../domain/bulk-result.ts';
import { type Camelized, camelRow, Timestamp, type Unnulled } from './row-schema.ts';

const MaybeText = v.nullable(v.string());
// INTEGER arrives as a number from pg; a count or a sum may come as a numeric string.
const Count = v.pipe(v.unknown(), v.transform(Number), v.number());

export const BULK_JOB_STATES = ['draft', 'queued', 'done', 'canceled'] as const;
export type BulkJobState = (typeof BULK_JOB_STATES)[number];

/**
 * One row of `bulk_jobs`, every column (migrations 9, 11, 12 and 19): the one description of that table's
 * rows; readers take a `Pick` of it (test/storage/table-rows.test.ts compares it with the table).
 */
/** Why a job may be paused. */
export const BULK_PAUSE_REASONS = ['template_paused', 'number_flagged'] as const;
/**
 * Why a paused job went on: Meta lifted its template or the number's flag, the workspace's default
 * template changed to one not stopped, or an admin resumed bulk sends deliberately.
 */
export const BULK_RESUME_REASONS = [
  'template_lifted',
  'default_changed',
  'number_lifted',
  'override',
] as const;
export type BulkResumeReason = (typeof BULK_RESUME_REASONS)[number];

export const BulkJobsRowSchema = v.object({
  id: v.string(),
  workspace_id: v.string(),
  created_by: v.string(),
  channel_id: MaybeText,
  state: v.picklist(BULK_JOB_STATES),
  total: Count,
  /** Where the progress message is (its ts), once posted. */
  progress_ts: MaybeText,
  created_at: Timestamp,
  finished_at: v.nullable(Timestamp),
  file_name: MaybeText,
  canceled_by: MaybeText,
  /** The end of the job is being reported by one process until then (bulk-reports.ts). */
  report_until: v.nullable(Timestamp),
  reported_at: v.nullable(Timestamp),
  /** Why the job stopped sending (a paused template, a flagged number), and since when; null while it runs. */
  paused_reason: v.nullable(v.picklist(BULK_PAUSE_REASONS)),
  paused_at: v.nullable(Timestamp),
  /** What stopped it (migration 19): the template and language, or the business number. */
  paused_template: MaybeText,
  paused_language: MaybeText,
  paused_number: MaybeText,
  /** The refused row named no template of its own: the job follows the workspace's default. */
  paused_follows_default: v.nullable(v.boolean()),
  /** The default template as last saved while the job ran (null: the default as each row is sent). */
  template_name: MaybeText,
  language_code: MaybeText,
  /**
   * When and why it last resumed; `told_at`: when Slack was told of that, or of a job the CLI kept
   * paused (bulk-pauses.ts).
   */
  resumed_at: v.nullable(Timestamp),
  resumed_why: v.nullable(v.picklist(BULK_RESUME_REASONS)),
  told_at: v.nullable(Timestamp),
});
export type BulkJobsRow = v.InferOutput<typeof BulkJobsRowSchema>;

/** Why a queued job is paused (its rows kept pending, resumable): the guard's reasons that stop a whole job. */
export type BulkPauseReason = (typeof BULK_PAUSE_REASONS)[number];

export const BULK_ROW_STATES = ['pending', 'leased', 'done', 'canceled'] as const;

/** One row of `bulk_rows`, every column (migration 9): one line of a job's file and how it ended. */
export const BulkRowsRowSchema = v.object({
  job_id: v.string(),
  line: v.number(),
  /** The row's update, sealed (its customer number is never stored readable). */
  request: v.string(),
  state: v.picklist(BULK_ROW_STATES),
  lease_until: v.nullable(Timestamp),
  outcome: v.nullable(v.picklist(BULK_OUTCOMES)),
  message_id: MaybeText,
  error_code: MaybeText,
  attempt_id: MaybeText,
});
export type BulkRowsRow = v.InferOutput<typeof BulkRowsRowSchema>;

const JOB_COLUMNS = [
  'id',
  'workspace_id',
  'created_by',
  'channel_id',
  'state',
  'total',
  'file_name',
  'progress_ts',
  'canceled_by',
] as const satisfies ReadonlyArray<keyof BulkJobsRow>;

/** A job as the layers above storage see it. */
export type BulkJob = Camelized<Unnulled<Pick<BulkJobsRow, (typeof JOB_COLUMNS)[number]>>> & {
  /** Set while the job is paused by a stopped template or a flagged number; cleared when it resumes. */
  paused: { reason: BulkPauseReason; at: Date } | undefined;
  /** When and why it last went on after a pause, and the template its rows go out with since. */
  resumed: { at: Date; why: BulkResumeReason; template: JobTemplate | undefined } | undefined;
};

/** A template as a job sends it: its name and language. */
export type JobTemplate = { name: string; language: string };

// Checked: a job read back decides what is sent and reported.
const JobSchema = v.pick(BulkJobsRowSchema, [
  ...JOB_COLUMNS,
  'paused_reason',
  'paused_at',
  'resumed_at',
  'resumed_why',
  'template_name',
  'language_code',
]);

export function toBulkJob(row: unknown): BulkJob | undefined {
  const parsed = v.safeParse(JobSchema, row);
  if (!parsed.success) return undefined;
  const { paused_reason, paused_at, resumed_at, resumed_why, template_name, language_code, ...job } =
    parsed.output;
  return {
    ...camelRow(job),
    paused: paused_reason && paused_at ? { reason: paused_reason, at: paused_at } : undefined,
    resumed:
      resumed_at && resumed_why
        ? { at: resumed_at, why: resumed_why, template: jobTemplate(template_name, language_code) }
        : undefined,
  };
}

/** The job's own template, when both halves are set. */
export function jobTemplate(name: string | null, language: string | null): JobTemplate | undefined {
  return name && language ? { name, language } : undefined;
}
