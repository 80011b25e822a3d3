/** What a person reads about a failure: the code, what happened, and what to do next. */
export type ErrorDescription = {
  /** Kaleyra's code (`RBC001`, `WA401`…) or one of ours (`NOT_CONFIGURED`, `TIMEOUT`…). */
  code: string;
  /** One sentence: what happened, in plain words. */
  summary: string;
  /** One sentence: what the reader should do now. */
  nextStep: string;
  /** Sending the same update again later may succeed (and cannot double-send a delivered message). */
  retryable: boolean;
};
