import * as v from 'valibot';

/**
 * `202 {code: "WA202", data: {message_id}}`. Loose objects: Kaleyra also sends `message` and `error: {}`,
 * and may add fields; only these two matter.
 */
export const KaleyraAcceptedSchema = v.looseObject({
  code: v.literal('WA202'),
  data: v.looseObject({
    message_id: v.pipe(v.string(), v.trim(), v.nonEmpty()),
  }),
});
export type KaleyraAccepted = v.InferOutput<typeof KaleyraAcceptedSchema>;

/**
 * Kaleyra's failure shape: `{code, message, data: [] | {}, error: {<key>: string}}`. Only `code` is
 * required: a body that carries a code is Kaleyra's own answer even if the other fields drift, so a
 * malformed `message` or `error` is dropped rather than failing the parse.
 */
export const KaleyraFailureSchema = v.looseObject({
  // Codes look like `RBC001`, `WA-401`, `E110`; anything else is not an answer we understand.
  code: v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9_.-]{1,32}$/)),
  message: v.fallback(v.optional(v.string()), undefined),
  data: v.optional(v.unknown()),
  error: v.fallback(v.optional(v.record(v.string(), v.unknown())), undefined),
});
export type KaleyraFailure = v.InferOutput<typeof KaleyraFailureSchema>;

/** The key naming what was wrong (`account`, `phone_number`, `balance`…), which tells the two WA-401s apart. */
export function readErrorKey(failure: KaleyraFailure): string | undefined {
  return failure.error === undefined ? undefined : Object.keys(failure.error)[0];
}
