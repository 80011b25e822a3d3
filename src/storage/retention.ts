import type { Database } from './database.ts';
import { DUPLICATE_WINDOW_SECONDS } from './send-journal.ts';

/** Rows deleted per statement: each one short, so sends waiting for a connection barely notice. */
export const PRUNE_BATCH_SIZE = 500;
/** A bulk file checked but never sent is dropped after this long. */
export const DRAFT_SECONDS = 24 * 60 * 60;
/** Idle send-rate rows older than this are dropped (the budget needs only the last few seconds). */
const IDLE_RATE_SECONDS = 24 * 60 * 60;

export type PruneResult = {
  journalRows: number;
  /** Customers' messages (personal data: they follow the journal's retention). */
  incomingMessages: number;
  /** Meta's template and quality events heard (the state they led to stays). */
  accountEvents: number;
  /** Payment events heard, and orders' payment states last changed, before the retention. */
  payments: number;
  /** Conversations (owner, resolution) untouched for the retention, the customer's messages gone. */
  conversations: number;
  bulkJobs: number;
  claims: number;
  usedButtons: number;
  rateRows: number;
  batches: number;
};

export type RetentionOptions = {
  retentionDays: number;
  batchSize?: number;
  /** Pause between batches, in ms, leaving the connections to sends. Default 20. */
  pauseMs?: number;
  /** Checked between batches: a stopping process does not start another one. */
  stopped?: () => boolean;
};

/**
 * Deletes what the service no longer needs, oldest data first, one small batch at a time:
 * journal rows and customers' messages older than the retention (they hold references, descriptions
 * and what customers wrote), duplicate claims
 * past their window (they guard nothing any more), nonces of buttons that have expired (an expired
 * button is refused anyway), and send-rate rows of idle business numbers.
 */
export async function pruneExpired(db: Database, options: RetentionOptions): Promise<PruneResult> {
  const limit = options.batchSize ?? PRUNE_BATCH_SIZE;
  const result: PruneResult = {
    journalRows: 0,
    incomingMessages: 0,
    accountEvents: 0,
    payments: 0,
    conversations: 0,
    bulkJobs: 0,
    claims: 0,
    usedButtons: 0,
    rateRows: 0,
    batches: 0,
  };
  const steps: Array<[keyof Omit<PruneResult, 'batches'>, string, unknown[]]> = [
    [
      'journalRows',
      `DELETE FROM send_journal WHERE id IN (
         SELECT id FROM send_journal WHERE created_at < now() - make_interval(days => $1) LIMIT $2)`,
      [options.retentionDays],
    ],
    [
      'incomingMessages',
      `DELETE FROM incoming_messages WHERE id IN (
         SELECT id FROM incoming_messages WHERE received_at < now() - make_interval(days => $1) LIMIT $2)`,
      [options.retentionDays],
    ],
    [
      'accountEvents',
      `DELETE FROM account_events WHERE id IN (
         SELECT id FROM account_events WHERE received_at < now() - make_interval(days => $1) LIMIT $2)`,
      [options.retentionDays],
    ],
    [
      // A payment's events (customer's number as hash and mask) follow the journal of its order.
      'payments',
      `DELETE FROM payment_events WHERE id IN (
         SELECT id FROM payment_events WHERE received_at < now() - make_interval(days => $1) LIMIT $2)`,
      [options.retentionDays],
    ],
    [
      'payments',
      `DELETE FROM payment_states WHERE (workspace_id, reference_id) IN (
         SELECT workspace_id, reference_id FROM payment_states
          WHERE updated_at < now() - make_interval(days => $1) LIMIT $2)`,
      [options.retentionDays],
    ],
    [
      // Who had a conversation, once nobody touched it for the retention and none of the customer's
      // messages is kept (an owner stays while the customer goes on writing).
      'conversations',
      `DELETE FROM conversations WHERE (workspace_id, customer_hash, reference_id) IN (
         SELECT c.workspace_id, c.customer_hash, c.reference_id FROM conversations c
          WHERE c.updated_at < now() - make_interval(days => $1) AND NOT EXISTS (
            SELECT 1 FROM incoming_messages i
             WHERE i.workspace_id = c.workspace_id AND i.customer_hash = c.customer_hash)
          LIMIT $2)`,
      [options.retentionDays],
    ],
    [
      // Bulk jobs (their rows go with them) once they are as old as the journal they wrote to.
      'bulkJobs',
      `DELETE FROM bulk_jobs WHERE id IN (
         SELECT id FROM bulk_jobs WHERE created_at < now() - make_interval(days => $1) LIMIT $2)`,
      [options.retentionDays],
    ],
    [
      // A checked file nobody sent (its confirmation was closed): its sealed rows are kept a day, not 90.
      'bulkJobs',
      `DELETE FROM bulk_jobs WHERE id IN (
         SELECT id FROM bulk_jobs WHERE state = 'draft' AND created_at < now() - make_interval(secs => $1) LIMIT $2)`,
      [DRAFT_SECONDS],
    ],
    [
      'claims',
      `DELETE FROM send_claims WHERE dedupe_key IN (
         SELECT dedupe_key FROM send_claims WHERE claimed_at < now() - make_interval(secs => $1) LIMIT $2)`,
      [DUPLICATE_WINDOW_SECONDS],
    ],
    [
      'usedButtons',
      `DELETE FROM used_buttons WHERE nonce IN (
         SELECT nonce FROM used_buttons WHERE expires_at < now() LIMIT $1)`,
      [],
    ],
    [
      'rateRows',
      `DELETE FROM send_pace WHERE bucket IN (
         SELECT bucket FROM send_pace WHERE next_at < extract(epoch FROM now()) - $1 LIMIT $2)`,
      [IDLE_RATE_SECONDS],
    ],
    [
      // The fixed-window budget of the previous release (kept for its replicas during an upgrade).
      'rateRows',
      `DELETE FROM send_rate WHERE (bucket, second) IN (
         SELECT bucket, second FROM send_rate WHERE second < extract(epoch FROM now()) - $1 LIMIT $2)`,
      [60],
    ],
  ];
  for (const [field, sql, params] of steps) {
    for (;;) {
      if (options.stopped?.()) return result;
      const deleted = await db.query(`${sql} RETURNING 1`, [...params, limit]);
      result[field] += deleted.length;
      result.batches += 1;
      if (deleted.length < limit) break;
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
    }
  }
  return result;
}

/**
 * Everything a workspace left in the send records, for an uninstall: its journal rows (their delivery
 * events go with them), the claims they held, its customers' messages, its used buttons, its callback
 * login, its bulk jobs, the account events and the payments it heard, its saved replies and who had its
 * conversations. Returns how many journal rows went.
 */
export async function deleteWorkspaceRecords(db: Database, workspaceId: string): Promise<number> {
  // Claims and rows in one statement, so no claim is left pointing at a row that is gone.
  const journalRows = await deleteInBatches(
    db,
    `WITH gone AS (
       DELETE FROM send_journal WHERE id IN (
         SELECT id FROM send_journal WHERE workspace_id = $1 LIMIT $2)
       RETURNING id
     ), claims AS (
       DELETE FROM send_claims WHERE attempt_id IN (SELECT id FROM gone)
     )
     SELECT id FROM gone`,
    workspaceId,
  );
  await db.query('DELETE FROM used_buttons WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM callback_credentials WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM bulk_jobs WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM account_events WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM payment_states WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM payment_events WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM saved_replies WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM conversations WHERE workspace_id = $1', [workspaceId]);
  await deleteInBatches(
    db,
    `DELETE FROM incoming_messages WHERE id IN (
       SELECT id FROM incoming_messages WHERE workspace_id = $1 LIMIT $2) RETURNING 1`,
    workspaceId,
  );
  return journalRows;
}

/** Runs a batch delete of the workspace's rows ($1 the workspace, $2 the batch size) until none are left. */
async function deleteInBatches(db: Database, sql: string, workspaceId: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.query(sql, [workspaceId, PRUNE_BATCH_SIZE]);
    deleted += rows.length;
    if (rows.length < PRUNE_BATCH_SIZE) return deleted;
  }
}
