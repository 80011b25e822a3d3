import * as v from 'valibot';
import { Timestamp } from './row-schema.ts';

const Text = v.string();
const MaybeText = v.nullable(v.string());
const MaybeTimestamp = v.nullable(Timestamp);
const Action = v.picklist(['opt_out', 'opt_in']);

/**
 * The consent and account-health tables (migrations 12, 15, 17 and 19), each described once, every column:
 * readers take Picks of these (v.pick where they check what they read).
 */

/**
 * A number's consent to a workspace's business number (keyed hash and masked form only), and what
 * decides it now: a word or change older than `cause_at` changes nothing.
 */
export const ConsentStatesRowSchema = v.object({
  workspace_id: Text,
  business_number: Text,
  customer_hash: Text,
  customer_masked: Text,
  opted_out: v.boolean(),
  /** When it became what it is; null for a number that only ever opted in. */
  since: MaybeTimestamp,
  /** Who and why, of the change that made it what it is. */
  changed_by: Text,
  reason: Text,
  /** That change's journal id (opt_out_changes). */
  change_id: MaybeText,
  /** When the newest word or change was written or made (whole seconds), and whose it was. */
  cause_at: Timestamp,
  cause_by: Text,
});

/** The view `opt_outs`: the numbers opted out of a workspace's business number. */
export const OptOutsRowSchema = v.object({
  workspace_id: Text,
  business_number: Text,
  customer_hash: Text,
  customer_masked: Text,
  since: Timestamp,
  /** `customer` (a keyword), an admin's Slack user id, or `cli`. */
  changed_by: Text,
  /** The keyword as the customer wrote it, or the admin's reason. */
  reason: Text,
});
export type OptOutsRow = v.InferOutput<typeof OptOutsRowSchema>;

/** Every opt-out and opt-in: who, when, why. */
export const OptOutChangesRowSchema = v.object({
  id: Text,
  workspace_id: Text,
  business_number: Text,
  customer_hash: Text,
  customer_masked: Text,
  action: Action,
  changed_by: Text,
  reason: Text,
  changed_at: Timestamp,
  /** When the customer wrote the word, or the admin acted (whole seconds). */
  cause_at: Timestamp,
  /** Older than what decided the number's consent then: it changed nothing. */
  late: v.boolean(),
});

/** A keyword an admin added for the workspace. */
export const ConsentKeywordsRowSchema = v.object({
  workspace_id: Text,
  keyword: Text,
  action: Action,
  added_by: Text,
  added_at: Timestamp,
});

/** Meta's word on a template of the workspace, per language. */
export const TemplateStatesRowSchema = v.object({
  workspace_id: Text,
  template_name: Text,
  /** The event's language; '' when it named none (it then stands for every language of the template). */
  language_code: Text,
  event: Text,
  blocked: v.boolean(),
  reason: MaybeText,
  /** `event` (Meta's webhook) or `send` (learnt from a 132015/132016 failure). */
  source: Text,
  since: Timestamp,
  announced_at: MaybeTimestamp,
  /** Meta's time of the newest event applied (null before migration 19): older events change nothing. */
  event_at: MaybeTimestamp,
});
export type TemplateStatesRow = v.InferOutput<typeof TemplateStatesRowSchema>;

/** The business number's quality and limit, and an admin's override of the bulk pause. */
export const NumberQualityRowSchema = v.object({
  workspace_id: Text,
  business_number: Text,
  event: Text,
  flagged: v.boolean(),
  current_limit: MaybeText,
  since: Timestamp,
  override_by: MaybeText,
  override_at: MaybeTimestamp,
  announced_at: MaybeTimestamp,
  /** Meta's time of the newest event applied (null before migration 19). */
  event_at: MaybeTimestamp,
});
export type NumberQualityRow = v.InferOutput<typeof NumberQualityRowSchema>;

/** Every template and quality event heard (migration 19): `applied` false when it was older than the state. */
export const AccountEventsRowSchema = v.object({
  id: Text,
  workspace_id: Text,
  kind: v.picklist(['template', 'number']),
  /** The template's name, or the business number. */
  subject: Text,
  language_code: Text,
  event: Text,
  /** Meta's reason (a template), or the messaging limit (a number). */
  detail: MaybeText,
  /** Meta's time of the event (its receipt when it carried none). */
  event_at: Timestamp,
  received_at: Timestamp,
  applied: v.boolean(),
});
export type AccountEventsRow = v.InferOutput<typeof AccountEventsRowSchema>;

/** Every deliberate "resume bulk sends although the number is flagged". */
export const QualityOverridesRowSchema = v.object({
  id: Text,
  workspace_id: Text,
  business_number: Text,
  event: Text,
  current_limit: MaybeText,
  overridden_by: Text,
  overridden_at: Timestamp,
});
