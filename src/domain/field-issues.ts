import * as v from 'valibot';

/**
 * One plain-language message per top-level field (the first valibot reported), via valibot's own
 * `flatten`. Issues that belong to no field (input that is not an object) are left out.
 */
export function firstIssuePerField<F extends string>(
  issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]],
): Partial<Record<F, string>> {
  const nested: Record<string, string[] | undefined> = v.flatten(issues).nested ?? {};
  const out: Partial<Record<F, string>> = {};
  for (const [path, messages] of Object.entries(nested)) {
    const first = messages?.[0];
    // `nested` keys are dot paths; only a field of the object itself names an input.
    if (first !== undefined && !path.includes('.')) out[path as F] = first;
  }
  return out;
}
