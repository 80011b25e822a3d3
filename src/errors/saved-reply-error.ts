import type { Placeholder } from '../domain/saved-reply.ts';

/** Why a saved reply could not be saved, found, or filled in for a send. */
export type SavedReplyProblem =
  /** A reply of that name (whatever its case) exists: adding again replaces it only when asked to. */
  | { reason: 'exists'; existing: { name: string; savedBy: string; savedAt: Date } }
  /** The workspace keeps as many as it may. */
  | { reason: 'full'; max: number }
  | { reason: 'not_found'; name: string }
  /** The reply uses a placeholder that has no value for this send (a customer without a WhatsApp name). */
  | { reason: 'unfilled'; name: string; placeholder: Placeholder }
  /** Filled in, it is longer than a session text may be. */
  | { reason: 'too_long'; name: string; length: number; max: number }
  /** The saved text is no longer one (saved before a rule changed). */
  | { reason: 'invalid'; name: string; issue: string };

const CODES = {
  exists: 'SAVED_REPLY_EXISTS',
  full: 'SAVED_REPLIES_FULL',
  not_found: 'SAVED_REPLY_NOT_FOUND',
  unfilled: 'PLACEHOLDER_EMPTY',
  too_long: 'SAVED_REPLY_TOO_LONG',
  invalid: 'SAVED_REPLY_INVALID',
} as const satisfies Record<SavedReplyProblem['reason'], string>;

/** A saved reply refused: nothing was saved, or (for a send) nothing was sent. */
export class SavedReplyError extends Error {
  override name = 'SavedReplyError' as const;
  readonly workspaceId: string;
  readonly problem: SavedReplyProblem;
  /** The code every surface shows. */
  readonly code: (typeof CODES)[SavedReplyProblem['reason']];

  constructor(workspaceId: string, problem: SavedReplyProblem) {
    super(`Saved reply refused: ${problem.reason}`);
    this.workspaceId = workspaceId;
    this.problem = problem;
    this.code = CODES[problem.reason];
  }
}
