import * as v from 'valibot';
import type { DeliveryError, DeliveryReport } from '../domain/delivery-state.ts';
import { type Change, changesOf, List, Loose, Text, unixSeconds } from './envelopes.ts';
import { isPayment } from './parse-payment.ts';

/**
 * Kaleyra's status callbacks (the shared callbacks document) and Meta's status webhooks, read
 * tolerantly: only the fields used are read, and a field of another type than expected reads as
 * absent (envelopes.ts), so an odd field never refuses the callback.
 */
const MetaErrorSchema = v.looseObject({
  code: Text,
  title: Text,
  message: Text,
  error_data: Loose({ details: Text }),
});

const StatusEntrySchema = v.looseObject({
  id: Text,
  status: Text,
  timestamp: Text,
  errors: List(v.unknown()),
});

const TopSchema = v.looseObject({
  extra_info: Loose({ message_id: Text, ref2: Text }),
  status: Text,
  message_id: Text,
});

type StatusEntry = v.InferOutput<typeof StatusEntrySchema>;

export type ParsedCallback = { ok: true; reports: DeliveryReport[] } | { ok: false; issue: string };

/** A POST body (already parsed as JSON) as reports, one per status it carries, in any envelope. */
export function readCallbackBody(
  json: unknown,
  changes: readonly Change[] = isObject(json) ? changesOf(json) : [],
): ParsedCallback {
  if (!isObject(json)) return { ok: false, issue: 'the body is not a JSON object' };
  const top = v.parse(TopSchema, json);
  const statuses: StatusEntry[] = [];
  let payments = 0;
  for (const { value } of changes) {
    if (!Array.isArray(value.statuses)) continue;
    for (const raw of value.statuses) {
      // Meta reports a WhatsApp Pay payment as a `statuses[]` entry of type `payment`: not a delivery.
      const entry = v.safeParse(StatusEntrySchema, raw);
      if (!entry.success) continue;
      if (isPayment(raw)) payments += 1;
      else statuses.push(entry.output);
    }
  }
  const ref2 = present(top.extra_info?.ref2);
  // The top-level ids repeat the essentials of a single status; with several, each keeps only its own.
  const shared = statuses.length <= 1 ? [top.message_id, top.extra_info?.message_id] : [];
  if (statuses.length === 0) {
    // Kaleyra's payment webhook is flat too, and its `status` (captured) is no delivery state; nor is
    // the one Kaleyra's v2 envelope repeats at the top of a payment it wraps.
    const status = payments > 0 || isPayment(json) ? undefined : present(top.status);
    if (!status) return { ok: true, reports: [] };
    return { ok: true, reports: [report(status, ids(shared), ref2, undefined, undefined)] };
  }
  const reports: DeliveryReport[] = [];
  for (const entry of statuses) {
    const status = present(entry.status) ?? present(top.status);
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
  const at = unixSeconds(timestamp);
  if (at) out.at = at;
  if (error) out.error = error;
  return out;
}

function firstError(entry: StatusEntry): DeliveryError | undefined {
  const parsed = v.safeParse(MetaErrorSchema, entry.errors?.[0]);
  if (!parsed.success) return undefined;
  const error = parsed.output;
  const code = present(error.code);
  const words = [present(error.title) ?? present(error.message), present(error.error_data?.details)];
  const title = [...new Set(words.filter((word) => word !== undefined))].join(': ');
  return { ...(code ? { code } : {}), ...(title ? { title } : {}) };
}

function ids(values: ReadonlyArray<string | null | undefined>): string[] {
  return [...new Set(values.map(present).filter((id): id is string => id !== undefined))];
}

function present(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
