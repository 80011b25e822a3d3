import type { ErrorDescription } from './error-description.ts';
import { PASS_IT_ON } from './surface.ts';

/**
 * The database is unreachable: what the person did not get (`consequence`, e.g. "nothing was sent",
 * "the history cannot be shown") and what to do (`nextStep`: by default, pass it on). The one place
 * these words are written; describeError uses it for the send path and the CLI.
 */
export function describeUnavailable(consequence?: string, nextStep: string = PASS_IT_ON()): ErrorDescription {
  return {
    code: 'STORAGE_UNAVAILABLE',
    summary: `orderstatus cannot reach its database right now${consequence ? `, so ${consequence}` : ''}.`,
    nextStep,
    retryable: true,
  };
}
