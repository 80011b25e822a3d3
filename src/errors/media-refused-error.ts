import type { MediaProblem } from '../domain/media-rules.ts';

/**
 * A file an agent attached cannot be sent as it is (its type, size, name or caption, or Slack would not
 * give it), or this deployment cannot offer files at all (no PUBLIC_URL). Nothing reached Kaleyra.
 */
export class MediaRefusedError extends Error {
  override name = 'MediaRefusedError' as const;
  readonly problem: MediaProblem;

  constructor(problem: MediaProblem) {
    super(`The file was not sent: ${problem.kind}`);
    this.problem = problem;
  }
}
