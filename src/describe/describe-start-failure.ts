import { ConfigError } from '../config.ts';

/**
 * Why the server did not start, as the lines the operator reads: every configuration problem on its
 * own line when there are several, otherwise one line.
 */
export function describeStartFailure(error: unknown): string[] {
  if (error instanceof ConfigError && error.problems.length > 1) {
    return ['orderstatus: cannot start:', ...error.problems.map((problem) => `  ${problem}`)];
  }
  return [`orderstatus: cannot start: ${error instanceof Error ? error.message : String(error)}`];
}
