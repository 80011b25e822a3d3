import * as v from 'valibot';
import type { Database } from './database.ts';
import { SendJournalRowSchema } from './send-journal-row.ts';

/** How a workspace's most recent finished send ended, from the journal. */
export type LastSend = {
  outcome: 'sent' | 'failed' | 'unknown';
  /** Kaleyra's code (or ours: TIMEOUT, NETWORK…) when it did not end in WA202. */
  errorCode: string | undefined;
  messageId: string | undefined;
  /** ISO time the attempt started. */
  at: string;
};

const RowSchema = v.object({
  ...v.pick(SendJournalRowSchema, ['workspace_id', 'error_code', 'message_id', 'created_at']).entries,
  outcome: v.picklist(['sent', 'failed', 'unknown']),
});

/**
 * The last finished send of each workspace (duplicates and sends still in flight left out), in one
 * statement: `orderstatus doctor` judges a workspace's Kaleyra credentials by it, Kaleyra having no
 * harmless authenticated call that needs only the SID and key.
 */
export async function readLastSends(db: Database): Promise<Map<string, LastSend>> {
  const rows = await db.query(
    `SELECT DISTINCT ON (workspace_id) workspace_id, outcome, error_code, message_id, created_at
       FROM send_journal
      WHERE outcome IN ('sent', 'failed', 'unknown')
      ORDER BY workspace_id, created_at DESC`,
  );
  const sends = new Map<string, LastSend>();
  for (const raw of rows) {
    const parsed = v.safeParse(RowSchema, raw);
    if (!parsed.success) continue;
    const row = parsed.output;
    sends.set(row.workspace_id, {
      outcome: row.outcome,
      errorCode: row.error_code ?? undefined,
      messageId: row.message_id ?? undefined,
      at: row.created_at.toISOString(),
    });
  }
  return sends;
}
