import type { ErrorDescription } from './error-description.ts';

/**
 * The database is unreachable for something other than a send (the send path has its own words, in
 * describe-error.ts): `consequence` says what the person did not get, e.g. "the history cannot be shown".
 */
export function describeUnavailable(consequence: string): ErrorDescription {
  return {
    code: 'STORAGE_UNAVAILABLE',
    summary: `orderstatus cannot reach its database right now, so ${consequence}.`,
    nextStep: 'Try again in a minute; if it keeps failing, tell whoever runs orderstatus.',
    retryable: true,
  };
}
