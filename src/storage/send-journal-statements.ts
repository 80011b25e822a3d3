import type { Database } from './database.ts';
import type { SendJournalRow } from './send-journal-row.ts';
import { createStatementBatcher } from './statement-batcher.ts';

/** One attempt's journal row as the claim writes it (in flight), and the duplicate key it claims. */
export type JournalInsert = Pick<
  SendJournalRow,
  | 'id'
  | 'workspace_id'
  | 'actor'
  | 'channel_id'
  | 'source'
  | 'customer_masked'
  | 'reference_id'
  | 'status'
  | 'description'
  | 'template_name'
  | 'language_code'
  | 'forced'
  | 'customer_hash'
  | 'bulk_job_id'
  | 'bulk_line'
  | 'workflow_execution_id'
  | 'kind'
  | 'body'
  | 'parent_id'
  | 'media_name'
  | 'media_type'
> & { dedupe_key: string };

/** How a sent (or possibly sent) attempt ended, when it was not forced: no claim to move. */
export type PlainOutcome = {
  attemptId: string;
  outcome: Extract<SendJournalRow['outcome'], 'sent' | 'unknown'>;
  messageId: SendJournalRow['message_id'];
  errorCode: SendJournalRow['error_code'];
  errorDetail: SendJournalRow['error_detail'];
};

// Claims each row's key when it is free or expired, and journals each row that got its claim or is
// forced (a forced attempt is journaled even without the claim: it must not release, on failure, a
// claim that a delivered send holds). A data-modifying CTE runs whether or not the main statement
// reads it. Claims are taken in key order, so two batches that share keys cannot deadlock.
const CLAIM_AND_JOURNAL = `WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
      $8::text[], $9::text[], $10::text[], $11::text[], $12::boolean[], $13::text[], $14::text[], $15::integer[],
      $16::text[], $17::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[])
      AS i(id, workspace_id, actor, channel_id, source, customer_masked, reference_id, status, description,
        template_name, language_code, forced, customer_hash, bulk_job_id, bulk_line, workflow_execution_id,
        dedupe_key, kind, body, parent_id, media_name, media_type)
  ), claim AS (
    INSERT INTO send_claims (dedupe_key, attempt_id, claimed_at)
    SELECT dedupe_key, id, now() FROM input ORDER BY dedupe_key
    ON CONFLICT (dedupe_key) DO UPDATE SET attempt_id = EXCLUDED.attempt_id, claimed_at = now()
      WHERE send_claims.claimed_at < now() - make_interval(secs => $18)
    RETURNING attempt_id
  )
  INSERT INTO send_journal (id, workspace_id, actor, channel_id, source, customer_masked, reference_id, status,
    description, template_name, language_code, forced, outcome, duplicate_of, customer_hash, bulk_job_id,
    bulk_line, workflow_execution_id, completed_at, kind, body, parent_id, media_name, media_type)
  SELECT id, workspace_id, actor, channel_id, source, customer_masked, reference_id, status, description,
    template_name, language_code, forced, 'in_flight', NULL, customer_hash, bulk_job_id, bulk_line,
    workflow_execution_id, NULL, kind, body, parent_id, media_name, media_type
    FROM input WHERE forced OR id IN (SELECT attempt_id FROM claim)
  RETURNING id`;

const RECORD_OUTCOMES = `UPDATE send_journal j
    SET outcome = v.outcome, message_id = v.message_id, error_code = v.error_code, error_detail = v.error_detail,
        completed_at = now()
   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     AS v(id, outcome, message_id, error_code, error_detail)
  WHERE j.id = v.id`;

/**
 * The send journal's two statements of every send, each shared by the sends that reach it in one
 * event-loop turn (statement-batcher.ts): under load one round trip serves many sends.
 */
export function createJournalStatements(db: Database, duplicateWindowSeconds: number) {
  /** Claims and journals each row; resolves true for each row journaled (claimed, or forced). */
  const claimAndJournal = createStatementBatcher<JournalInsert, boolean>(async (rows) => {
    // The same key twice in one statement would have ON CONFLICT touch a row twice (an error): a
    // repeat waits for the rows before it, and then finds the claim taken (or takes it, if forced).
    const firsts: JournalInsert[] = [];
    const repeats: JournalInsert[] = [];
    const keys = new Set<string>();
    for (const row of rows) {
      if (keys.has(row.dedupe_key)) {
        repeats.push(row);
      } else {
        keys.add(row.dedupe_key);
        firsts.push(row);
      }
    }
    const journaled = new Set(await insertClaimed(firsts));
    for (const row of repeats) for (const id of await insertClaimed([row])) journaled.add(id);
    return rows.map((row) => journaled.has(row.id));
  });

  async function insertClaimed(rows: readonly JournalInsert[]): Promise<string[]> {
    const column = <K extends keyof JournalInsert>(key: K) => rows.map((row) => row[key]);
    const found = await db.query<{ id: string }>(CLAIM_AND_JOURNAL, [
      column('id'),
      column('workspace_id'),
      column('actor'),
      column('channel_id'),
      column('source'),
      column('customer_masked'),
      column('reference_id'),
      column('status'),
      column('description'),
      column('template_name'),
      column('language_code'),
      column('forced'),
      column('customer_hash'),
      column('bulk_job_id'),
      column('bulk_line'),
      column('workflow_execution_id'),
      column('dedupe_key'),
      duplicateWindowSeconds,
      column('kind'),
      column('body'),
      column('parent_id'),
      column('media_name'),
      column('media_type'),
    ]);
    return found.map((row) => row.id);
  }

  const recordOutcome = createStatementBatcher<PlainOutcome, void>(async (rows) => {
    await db.query(RECORD_OUTCOMES, [
      rows.map((row) => row.attemptId),
      rows.map((row) => row.outcome),
      rows.map((row) => row.messageId),
      rows.map((row) => row.errorCode),
      rows.map((row) => row.errorDetail),
    ]);
    return rows.map(() => undefined);
  });

  return { claimAndJournal, recordOutcome };
}
