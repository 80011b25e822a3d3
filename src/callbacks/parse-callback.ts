import * as v from 'valibot';
import type { DeliveryError, DeliveryReport } from '../domain/delivery-state.ts';

/**
 * Kaleyra's status callbacks (the shared callbacks document), read defensively: only the fields we use
 * are checked, everything else may be anything. Numbers are accepted where Kaleyra shows strings (and
 * the other way round), since a sample and the live service do not always agree.
 */
const Text = v.union([v.string(), v.pipe(v.number(), v.transform(String))]);
const OptionalText = v.optional(v.nullable(Text));

const MetaErrorSchema = v.looseObject({
  code: OptionalText,
  title: OptionalText,
  message: OptionalText,
  error_data: v.optional(v.nullable(v.looseObject({ details: OptionalText }))),
});

const StatusEntrySchema = v.looseObject({
  id: OptionalText,
  status: OptionalText,
  timestamp: OptionalText,
  errors: v.optional(v.nullable(v.array(MetaErrorSchema))),
});

const ExtraInfoSchema = v.looseObject({
  message_id: OptionalText,
  ref2: OptionalText,
});

export const CallbackBodySchema = v.looseObject({
  meta_object: v.optional(
    v.nullable(
      v.looseObject({
        value: v.optional(
          v.nullable(v.looseObject({ statuses: v.optional(v.nullable(v.array(StatusEntrySchema))) })),
        ),
      }),
    ),
  ),
  extra_info: v.optional(v.nullable(ExtraInfoSchema)),
  status: OptionalText,
  message_id: OptionalText,
});

type StatusEntry = v.InferOutput<typeof StatusEntrySchema>;
type MetaError = v.InferOutput<typeof MetaErrorSchema>;

export type ParsedCallback = { ok: true; reports: DeliveryReport[] } | { ok: false; issue: string };

/** A POST body (already parsed as JSON) as reports, one per status it carries. */
export function readCallbackBody(json: unknown): ParsedCallback {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, issue: 'the body is not a JSON object' };
  }
  const parsed = v.safeParse(CallbackBodySchema, json);
  if (!parsed.success) return { ok: false, issue: describeIssue(parsed.issues[0]) };
  const body = parsed.output;
  const statuses = body.meta_object?.value?.statuses ?? [];
  const ref2 = present(body.extra_info?.ref2);
  // The top-level ids repeat the essentials of a single status; with several, each keeps only its own.
  const shared = statuses.length <= 1 ? [body.message_id, body.extra_info?.message_id] : [];
  if (statuses.length === 0) {
    const status = present(body.status);
    if (!status) return { ok: true, reports: [] };
    return { ok: true, reports: [report(status, ids(shared), ref2, undefined, undefined)] };
  }
  const reports: DeliveryReport[] = [];
  for (const entry of statuses) {
    const status = present(entry.status) ?? present(body.status);
    if (!status) continue;
    const read = report(status, ids([entry.id, ...shared]), ref2, entry.timestamp, firstError(entry));
    const wamid = present(entry.id);
    if (wamid) read.wamid = wamid.slice(0, 255);
    reports.push(read);
  }
  return { ok: true, reports };
}

/** A GET callback's query string ("dynamic variables") as a report; none when it names no status. */
export function readCallbackQuery(query: URLSearchParams): DeliveryReport[] {
  const status = present(query.get('status'));
  if (!status) return [];
  const code = present(query.get('error_code'));
  const title = present(query.get('error'));
  const error: DeliveryError | undefined =
    code || title ? { ...(code ? { code } : {}), ...(title ? { title } : {}) } : undefined;
  const messageIds = ids([query.get('message_id'), query.get('id')]);
  return [report(status, messageIds, present(query.get('ref2')), query.get('timestamp'), error)];
}

function report(
  status: string,
  messageIds: string[],
  ref2: string | undefined,
  timestamp: string | null | undefined,
  error: DeliveryError | undefined,
): DeliveryReport {
  const out: DeliveryReport = { messageIds, status };
  if (ref2) out.ref2 = ref2;
  const at = readTimestamp(timestamp);
  if (at) out.at = at;
  if (error) out.error = error;
  return out;
}

function firstError(entry: StatusEntry): DeliveryError | undefined {
  const error: MetaError | undefined = entry.errors?.[0];
  if (!error) return undefined;
  const code = present(error.code);
  const words = [present(error.title) ?? present(error.message), present(error.error_data?.details)];
  const title = [...new Set(words.filter((word) => word !== undefined))].join(': ');
  return { ...(code ? { code } : {}), ...(title ? { title } : {}) };
}

/** WhatsApp's Unix time in seconds; anything else reads as "no time given". */
function readTimestamp(value: string | null | undefined): Date | undefined {
  if (!value || !/^\d{9,11}$/.test(value.trim())) return undefined;
  return new Date(Number(value.trim()) * 1000);
}

function ids(values: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(values.map(present).filter((id): id is string => id !== undefined))];
}

function present(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = issue.path?.map((item) => String(item.key)).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
