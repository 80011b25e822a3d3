import * as v from 'valibot';
import { firstIssuePerField } from './field-issues.ts';
import { LanguageCodeSchema, PhoneNumberSchema, TemplateNameSchema } from './order-status.ts';
import { StatusSpellingSchema } from './status-spelling.ts';

/** Kaleyra pods; `sg` is served from `api.ap.kaleyra.io`, `na` (North America) from `api.na.kaleyra.io`. */
export const PODS = ['in', 'sg', 'eu', 'na'] as const;
export type Pod = (typeof PODS)[number];

export const DEFAULT_TEMPLATE_NAME = 'order_status';
export const DEFAULT_LANGUAGE_CODE = 'en';

export const SidSchema = v.pipe(
  v.string('Enter the Kaleyra SID.'),
  v.trim(),
  v.nonEmpty('Enter the Kaleyra SID (kaleyra.io → Developers → API keys).'),
  v.regex(/^[A-Za-z0-9]{4,64}$/, 'A Kaleyra SID is letters and digits only, e.g. HXIN1234567890IN.'),
);

export const ApiKeySchema = v.pipe(
  v.string('Enter the Kaleyra API key.'),
  v.trim(),
  v.nonEmpty('Enter the Kaleyra API key.'),
  v.regex(/^[\x21-\x7e]{8,256}$/, 'That does not look like a Kaleyra API key (8–256 characters, no spaces).'),
);

export const PodSchema = v.pipe(
  v.string('Choose the Kaleyra pod.'),
  v.transform((value) => value.trim().toLowerCase()),
  v.picklist(PODS, 'The pod is one of in, sg, eu or na (where your Kaleyra account lives).'),
);

/**
 * The WhatsApp Business Account id (Meta's numeric id, e.g. 104996122399160), optional: with it the
 * send form offers Kaleyra's approved templates to pick from.
 */
export const WabaIdSchema = v.pipe(
  v.string('Enter the WhatsApp Business Account id.'),
  v.trim(),
  v.regex(
    /^\d{6,25}$/,
    'A WhatsApp Business Account id is 6–25 digits (Meta Business Suite → WhatsApp accounts), e.g. 104996122399160.',
  ),
);

/**
 * The Slack channel where customers' replies go when no order's thread can take them (a public `C…` or a
 * private channel's `C…`/`G…` id; not a DM, not a name: names change, ids do not).
 */
export const RepliesChannelSchema = v.pipe(
  v.string('Enter the replies channel’s id.'),
  v.trim(),
  v.regex(
    /^[CG][A-Z0-9]{8,20}$/,
    'A Slack channel id is C (or G) and 8–20 capital letters and digits, e.g. C0123ABCDEF: open the channel’s details in Slack; the id is at the bottom.',
  ),
);

export const BusinessNumberSchema = v.pipe(
  v.string('Enter the WhatsApp business number.'),
  v.transform((value) => value.trim()),
  PhoneNumberSchema,
);

/** What an admin sets for a workspace (Slack settings modal or `orderstatus credentials set`). */
export const WorkspaceSettingsSchema = v.object({
  sid: SidSchema,
  apiKey: ApiKeySchema,
  pod: PodSchema,
  businessNumber: BusinessNumberSchema,
  templateName: v.optional(TemplateNameSchema, DEFAULT_TEMPLATE_NAME),
  languageCode: v.optional(LanguageCodeSchema, DEFAULT_LANGUAGE_CODE),
  wabaId: v.optional(WabaIdSchema),
  repliesChannel: v.optional(RepliesChannelSchema),
  /** How partially shipped goes on the wire (status-spelling.ts); absent: `kaleyra`. */
  statusSpelling: v.optional(StatusSpellingSchema),
});

export type WorkspaceSettingsInput = v.InferInput<typeof WorkspaceSettingsSchema>;
export type WorkspaceSettings = v.InferOutput<typeof WorkspaceSettingsSchema>;
export type WorkspaceSettingsField = keyof WorkspaceSettings;

/** Settings as stored, with who changed them last. */
export type WorkspaceCredentials = WorkspaceSettings & {
  updatedBy: string;
  updatedAt: string;
};

/** `abcd…wxyz` style: enough to recognise a key, never enough to use it. */
export function maskApiKey(apiKey: string): string {
  if (apiKey.length <= 8) return '••••';
  return `${apiKey.slice(0, 2)}••••${apiKey.slice(-4)}`;
}

/**
 * A change to the settings as an admin submits it: the API key may be left out to keep the stored one
 * (it is write-only, never shown again).
 */
export const WorkspaceSettingsChangesSchema = v.object({
  ...WorkspaceSettingsSchema.entries,
  apiKey: v.optional(ApiKeySchema),
});
export type WorkspaceSettingsChanges = v.InferOutput<typeof WorkspaceSettingsChangesSchema>;

export type SettingsIssues = Partial<Record<WorkspaceSettingsField, string>>;

export function validateWorkspaceSettings(
  input: unknown,
): { ok: true; value: WorkspaceSettings } | { ok: false; issues: SettingsIssues } {
  return validateSettings(WorkspaceSettingsSchema, input);
}

export function validateSettingsChanges(
  input: unknown,
): { ok: true; value: WorkspaceSettingsChanges } | { ok: false; issues: SettingsIssues } {
  return validateSettings(WorkspaceSettingsChangesSchema, input);
}

function validateSettings<T>(
  schema: v.GenericSchema<unknown, T>,
  input: unknown,
): { ok: true; value: T } | { ok: false; issues: SettingsIssues } {
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, value: result.output };
  const issues = firstIssuePerField<WorkspaceSettingsField>(result.issues);
  // Input that is not an object at all still gets a message to show.
  if (Object.keys(issues).length === 0) issues.sid = 'The settings could not be read. Check every field.';
  return { ok: false, issues };
}
