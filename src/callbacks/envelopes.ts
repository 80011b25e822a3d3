import * as v from 'valibot';

/**
 * Field readers that never fail: a field of another type than expected (an object where a string
 * should be, a string where an object should be) reads as absent, so one odd field the app does not
 * need never refuses a body whose other fields it does. Numbers are read as text where WhatsApp
 * prints strings, since samples and the live services do not always agree.
 */
export const Text = v.fallback(
  v.optional(v.union([v.string(), v.pipe(v.number(), v.transform(String))])),
  undefined,
);
export const Loose = <T extends v.ObjectEntries>(entries: T) =>
  v.fallback(v.optional(v.looseObject(entries)), undefined);
export const List = <T extends v.GenericSchema>(item: T) => v.fallback(v.optional(v.array(item)), undefined);

/** WhatsApp's Unix time in seconds (digits, as a number or text); anything else reads as "no time given". */
export function unixSeconds(value: string | null | undefined): Date | undefined {
  const trimmed = value?.trim();
  return trimmed && /^\d{9,11}$/.test(trimmed) ? new Date(Number(trimmed) * 1000) : undefined;
}

/**
 * One of Meta's `{ field, value }`, wherever the body carried it. `time`: when the event happened, as its
 * envelope says (Meta's `entry[].time`, Unix seconds; in Kaleyra's undocumented envelopes a `time` or
 * `timestamp` beside the change, in its value, or at the top of the body).
 */
export type Change = { field: string | undefined; value: Record<string, unknown>; time: string | undefined };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every `{ field, value }` a callback body carries, in any envelope Kaleyra or Meta documents:
 * Kaleyra's v2 `meta_object`; Meta's `{ field, value }` bare; Meta's own `entry[].changes[]`; and
 * Kaleyra's older shape, where `contacts`, `messages` (or `statuses`) sit at the top of the body.
 */
export function changesOf(body: Record<string, unknown>): Change[] {
  const bodyTime = timeOf(body);
  const candidates: Array<{ change: unknown; time: string | undefined }> = [
    { change: body.meta_object, time: bodyTime },
    { change: body, time: bodyTime },
  ];
  if (Array.isArray(body.entry)) {
    for (const entry of body.entry) {
      if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
      const time = timeOf(entry);
      for (const change of entry.changes) candidates.push({ change, time });
    }
  }
  const found: Change[] = [];
  for (const { change, time } of candidates) {
    if (!isObject(change) || !isObject(change.value)) continue;
    const field = typeof change.field === 'string' ? change.field : undefined;
    found.push({ field, value: change.value, time: timeOf(change) ?? timeOf(change.value) ?? time });
  }
  if (!isObject(body.meta_object) && (Array.isArray(body.messages) || Array.isArray(body.statuses))) {
    found.push({ field: 'messages', value: body, time: bodyTime });
  }
  return found;
}

/** An object's own `time` or `timestamp`, as text (numbers included). */
function timeOf(object: Record<string, unknown>): string | undefined {
  return v.parse(Text, object.time) ?? v.parse(Text, object.timestamp);
}

/**
 * How many things a body asks the app to record: each customer's message and each status, and each
 * account event (or any other change) as one. A body over the limit is refused whole.
 */
export function itemsIn(changes: readonly Change[]): number {
  let items = 0;
  for (const { value } of changes) {
    const listed =
      (Array.isArray(value.messages) ? value.messages.length : 0) +
      (Array.isArray(value.statuses) ? value.statuses.length : 0);
    items += Math.max(1, listed);
  }
  return items;
}
