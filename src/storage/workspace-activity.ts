import type { Database } from './database.ts';

/** Where a send went wrong: refused by Kaleyra, not confirmed (timeout, network), or not delivered by WhatsApp. */
export type FailureStage = 'refused' | 'unconfirmed' | 'not_delivered';

/** A workspace's sends over a window, as the App Home shows them to admins. */
export type WorkspaceActivity = {
  /** Accepted by Kaleyra (202 WA202). */
  sent: number;
  /** Reported delivered or read by WhatsApp. */
  delivered: number;
  read: number;
  /** Failures by stage and code, most frequent first. */
  failures: Array<{ stage: FailureStage; code: string; count: number }>;
  /** Updates the duplicate guard stopped. */
  duplicates: number;
  /**
   * Sends Kaleyra accepted longer ago than the quiet time, with no status callback received since
   * (callbacks come within seconds: their setup is probably broken), and the oldest one's time.
   */
  awaitingCallbacks: number;
  oldestAwaitingAt: Date | null;
};

type Row = {
  sent: number;
  delivered: number;
  read: number;
  duplicates: number;
  awaiting: number;
  oldest_awaiting: Date | null;
  failures: Array<{ stage: FailureStage; code: string; count: number }> | string;
};

// One statement: the window's rows once, counted every way the App Home shows them.
const ACTIVITY = `
WITH recent AS (
  SELECT outcome, error_code, delivery_state, delivery_error_code, created_at
    FROM send_journal
   WHERE workspace_id = $1 AND created_at >= now() - make_interval(secs => $2)
), failures AS (
  SELECT CASE WHEN delivery_state IN ('failed', 'not_sent') THEN 'not_delivered'
              WHEN outcome = 'failed' THEN 'refused'
              ELSE 'unconfirmed' END AS stage,
         COALESCE(CASE WHEN delivery_state IN ('failed', 'not_sent') THEN delivery_error_code END,
                  error_code, upper(COALESCE(delivery_state, outcome))) AS code,
         count(*)::int AS count
    FROM recent
   WHERE delivery_state IN ('failed', 'not_sent') OR outcome = 'failed'
      OR (outcome = 'unknown' AND delivery_state IS NULL)
   GROUP BY 1, 2
), awaiting AS (
  SELECT created_at FROM recent
   WHERE outcome = 'sent' AND created_at < now() - make_interval(secs => $3)
     AND created_at > COALESCE(
       (SELECT last_callback_at FROM callback_credentials WHERE workspace_id = $1), '-infinity'::timestamptz)
)
SELECT (SELECT count(*) FROM recent WHERE outcome = 'sent')::int AS sent,
       (SELECT count(*) FROM recent WHERE delivery_state IN ('delivered', 'read'))::int AS delivered,
       (SELECT count(*) FROM recent WHERE delivery_state = 'read')::int AS read,
       (SELECT count(*) FROM recent WHERE outcome = 'duplicate')::int AS duplicates,
       (SELECT count(*) FROM awaiting)::int AS awaiting,
       (SELECT min(created_at) FROM awaiting) AS oldest_awaiting,
       COALESCE((SELECT json_agg(json_build_object('stage', stage, 'code', code, 'count', count)
                                 ORDER BY count DESC, code) FROM failures), '[]'::json) AS failures`;

/** What a workspace's sends came to lately (the journal keeps customer numbers masked; none is read here). */
export function createWorkspaceActivity(db: Database) {
  return {
    /**
     * The last `windowSeconds`; sends older than `quietSeconds` with no callback since count as
     * awaiting callbacks.
     */
    async count(
      workspaceId: string,
      windowSeconds: number,
      quietSeconds: number,
    ): Promise<WorkspaceActivity> {
      const rows = await db.query<Row>(ACTIVITY, [workspaceId, windowSeconds, quietSeconds]);
      const row = rows[0];
      if (!row) throw new Error('the activity query returned no row');
      const failures = typeof row.failures === 'string' ? JSON.parse(row.failures) : row.failures;
      return {
        sent: Number(row.sent),
        delivered: Number(row.delivered),
        read: Number(row.read),
        duplicates: Number(row.duplicates),
        failures: failures.map((f: { stage: FailureStage; code: string; count: number }) => ({
          stage: f.stage,
          code: String(f.code),
          count: Number(f.count),
        })),
        awaitingCallbacks: Number(row.awaiting),
        oldestAwaitingAt: row.oldest_awaiting ? new Date(row.oldest_awaiting) : null,
      };
    },
  };
}

export type WorkspaceActivityStore = ReturnType<typeof createWorkspaceActivity>;
