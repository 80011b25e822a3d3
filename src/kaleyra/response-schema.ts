import * as v from 'valibot';

// Kaleyra's `message` is informative only: a malformed one is dropped rather than failing the parse.
const OptionalMessageSchema = v.fallback(v.optional(v.string()), undefined);

/**
 * `202 {code: "WA202", message, data: {message_id}}`. Loose objects: Kaleyra also sends `error: {}`,
 * and may add fields; only these matter.
 */
export const KaleyraAcceptedSchema = v.looseObject({
  code: v.literal('WA202'),
  message: OptionalMessageSchema,
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
  message: OptionalMessageSchema,
  data: v.optional(v.unknown()),
  error: v.fallback(v.optional(v.record(v.string(), v.unknown())), undefined),
});
export type KaleyraFailure = v.InferOutput<typeof KaleyraFailureSchema>;

/**
 * What a 2xx body may be: the acceptance (with its `message_id`), or any other answer of Kaleyra's
 * shape (a code, perhaps a message). Anything else fails validation. Whether the send counts as
 * accepted also depends on the status (only 202), which the caller checks.
 */
export const KaleyraSuccessBodySchema = v.union([
  v.pipe(
    KaleyraAcceptedSchema,
    v.transform((body) => ({ messageId: body.data.message_id, message: body.message })),
  ),
  v.pipe(
    KaleyraFailureSchema,
    v.transform((body) => ({ messageId: undefined, message: body.message })),
  ),
]);
export type KaleyraSuccessBody = v.InferOutput<typeof KaleyraSuccessBodySchema>;

/** The key naming what was wrong (`account`, `phone_number`, `balance`…), which tells the two WA-401s apart. */
export function readErrorKey(failure: KaleyraFailure): string | undefined {
  return failure.error === undefined ? undefined : Object.keys(failure.error)[0];
}
