import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import type { ResolvedOrderStatus } from '../domain/order-update.ts';
import type { PreviousSend } from '../errors/duplicate-send-error.ts';
import type { Database } from './database.ts';
import { type SendJournalRow, SendJournalRowSchema } from './send-journal-row.ts';
import { createJournalStatements, type JournalInsert } from './send-journal-statements.ts';

/** The duplicate guard's window: the same update within it is not sent again without a deliberate resend. */
export const DUPLICATE_WINDOW_SECONDS = 600;
/** Longer than any send can take (Kaleyra's timeout plus the rate-limit queue): past it, "in flight" means lost. */
export const STALE_IN_FLIGHT_SECONDS = 120;

/** A session text (an agent's reply): to whom, what it says, and the order it belongs to. */
export type SessionText = {
  to: string;
  body: string;
  /** The order's reference ('' when the reply belongs to no order). */
  referenceId: string;
  /** The order's attempt (its thread), when there is one. */
  parentId: string | undefined;
  /** A file sent with `body` as its caption ('' for none): Slack's id for it, the name shown, its MIME type. */
  media?: { fileId: string; name: string; mimeType: string } | undefined;
};

type BeginCommon = {
  workspaceId: string;
  /** Slack user id, or `cli` / `workflow`. */
  actor: string;
  channelId?: string | undefined;
  source: SendJournalRow['source'];
  /** The bulk row (job and line) or the workflow step execution the attempt came from. */
  origin?: { bulkJobId: string; bulkLine: number } | { workflowExecutionId: string } | undefined;
  /**
   * A deliberate resend: goes ahead while another attempt holds the claim, without touching it; the
   * claim becomes this attempt's only once it is sent (or may have been).
   */
  force: boolean;
  /** The customer number's keyed hash, so history can find the attempt by number (never the number itself). */
  customerHash?: string | undefined;
};

/** An order-status template (`update`) or a session text (`text`), journaled alike. */
export type BeginAttempt = BeginCommon &
  ({ update: ResolvedOrderStatus; text?: undefined } | { text: SessionText; update?: undefined });

type SentColumns = Pick<
  JournalInsert,
  | 'reference_id'
  | 'status'
  | 'description'
  | 'template_name'
  | 'language_code'
  | 'kind'
  | 'body'
  | 'parent_id'
  | 'media_name'
  | 'media_type'
> & { to: string };

/** The journal columns that say what was sent, whichever kind it is. */
function sentColumns(input: BeginAttempt): SentColumns {
  if (input.text) {
    const { text } = input;
    return {
      kind: text.media ? 'media' : 'text',
      to: text.to,
      reference_id: text.referenceId,
      status: '',
      description: null,
      template_name: '',
      language_code: '',
      body: text.media && text.body === '' ? null : text.body,
      parent_id: text.parentId ?? null,
      media_name: text.media?.name ?? null,
      media_type: text.media?.mimeType ?? null,
    };
  }
  const { update } = input;
  return {
    kind: 'order_status',
    to: update.to,
    reference_id: update.referenceId,
    status: update.status,
    description: update.description ?? null,
    template_name: update.templateName,
    language_code: update.languageCode,
    body: null,
    parent_id: null,
    media_name: null,
    media_type: null,
  };
}

export type Attempt = { attemptId: string; dedupeKey: string; forced: boolean };

export type AttemptOutcome =
  | { outcome: 'sent'; messageId: string }
  /** Kaleyra definitely did not send it: the duplicate key is freed. */
  | { outcome: 'failed'; code: string; detail?: string | undefined }
  /** It may have been delivered (timeout, reset): the key stays claimed. */
  | { outcome: 'unknown'; code: string; detail?: string | undefined };

// The claim holder as the guard reads it: checked, since it decides whether a customer is sent to.
const PreviousRowSchema = v.pick(SendJournalRowSchema, [
  'id',
  'actor',
  'outcome',
  'message_id',
  'created_at',
  'kind',
]);

/**
 * Every send attempt, written before the POST and completed after it, plus the duplicate guard. The
 * claim and the journal row are one INSERT … SELECT statement (shared by the sends of one event-loop
 * turn: send-journal-statements.ts), so across processes sharing the database exactly one attempt per
 * key wins, and no claim exists without its journal row.
 */
export function createSendJournal(db: Database, keyedHash: KeyedHash) {
  // Keyed, so the claims table never holds a customer number, and stable across key rotations. A reply's
  // key has a purpose of its own: the same words (the same file with the same caption) to the same
  // customer within the window go once.
  const dedupeKeyOf = (input: BeginAttempt) =>
    input.text
      ? keyedHash(
          input.text.media ? HASH_PURPOSES.mediaGuard : HASH_PURPOSES.replyGuard,
          [
            input.workspaceId,
            input.text.to,
            input.text.body,
            ...(input.text.media ? [input.text.media.fileId] : []),
          ].join('\n'),
        )
      : keyedHash(
          HASH_PURPOSES.duplicateGuard,
          [input.workspaceId, input.update.to, input.update.referenceId, input.update.status].join('\n'),
        );

  const statements = createJournalStatements(db, DUPLICATE_WINDOW_SECONDS);

  /** The attempt's journal row as both inserts write it. */
  function rowOf(attemptId: string, input: BeginAttempt): Omit<JournalInsert, 'dedupe_key'> {
    const { origin } = input;
    const bulk = origin && 'bulkJobId' in origin ? origin : undefined;
    const { to, ...sent } = sentColumns(input);
    return {
      id: attemptId,
      workspace_id: input.workspaceId,
      actor: input.actor,
      channel_id: input.channelId ?? null,
      source: input.source,
      customer_masked: maskPhoneNumber(to),
      ...sent,
      forced: input.force,
      customer_hash: input.customerHash ?? null,
      bulk_job_id: bulk?.bulkJobId ?? null,
      bulk_line: bulk?.bulkLine ?? null,
      workflow_execution_id: origin && 'workflowExecutionId' in origin ? origin.workflowExecutionId : null,
    };
  }

  /** Journals an attempt the guard stopped, complete at once. */
  async function insertDuplicate(attemptId: string, input: BeginAttempt, duplicateOf: string): Promise<void> {
    const row = rowOf(attemptId, input);
    await db.query(
      `INSERT INTO send_journal (id, workspace_id, actor, channel_id, source, customer_masked, reference_id, status,
         description, template_name, language_code, forced, outcome, duplicate_of, customer_hash, bulk_job_id,
         bulk_line, workflow_execution_id, completed_at, kind, body, parent_id, media_name, media_type)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,'duplicate',$13,$14,$15,$16,$17, now(), $18, $19, $20, $21, $22)`,
      [
        row.id,
        row.workspace_id,
        row.actor,
        row.channel_id,
        row.source,
        row.customer_masked,
        row.reference_id,
        row.status,
        row.description,
        row.template_name,
        row.language_code,
        row.forced,
        duplicateOf,
        row.customer_hash,
        row.bulk_job_id,
        row.bulk_line,
        row.workflow_execution_id,
        row.kind,
        row.body,
        row.parent_id,
        row.media_name,
        row.media_type,
      ],
    );
  }

  async function readClaimHolder(
    dedupeKey: string,
  ): Promise<{ id: string; previous: PreviousSend } | undefined> {
    const rows = await db.query(
      // An attempt still "in flight" long after any send could have lasted lost its outcome (the
      // process or the database went away mid-send): it may have been delivered.
      `SELECT j.id, j.actor, j.message_id, j.created_at, j.kind,
              CASE WHEN j.outcome = 'in_flight' AND j.created_at < now() - make_interval(secs => $3)
                   THEN 'unknown' ELSE j.outcome END AS outcome
         FROM send_claims c JOIN send_journal j ON j.id = c.attempt_id
        WHERE c.dedupe_key = $1 AND c.claimed_at >= now() - make_interval(secs => $2)`,
      [dedupeKey, DUPLICATE_WINDOW_SECONDS, STALE_IN_FLIGHT_SECONDS],
    );
    const parsed = v.safeParse(PreviousRowSchema, rows[0]);
    if (!parsed.success) return undefined;
    const row = parsed.output;
    const state = row.outcome === 'sent' ? 'sent' : row.outcome === 'in_flight' ? 'in_flight' : 'unknown';
    const previous: PreviousSend = { state, at: row.created_at.toISOString(), by: row.actor };
    if (row.message_id) previous.messageId = row.message_id;
    if (row.kind !== 'order_status') previous.what = 'reply';
    return { id: row.id, previous };
  }

  return {
    /**
     * Claims the update and journals the attempt, or says who holds it. A StorageError here means
     * nothing may be sent: an attempt that cannot be recorded cannot be guarded.
     */
    async begin(
      input: BeginAttempt,
    ): Promise<{ ok: true; attempt: Attempt } | { ok: false; previous: PreviousSend }> {
      const dedupeKey = dedupeKeyOf(input);
      // A claim can expire or be freed between the two statements; one more round settles it.
      for (let round = 0; round < 3; round++) {
        const attemptId = randomUUID();
        // Claims the key and journals the attempt in flight (statements shared by one turn's sends).
        if (await statements.claimAndJournal({ ...rowOf(attemptId, input), dedupe_key: dedupeKey })) {
          return { ok: true, attempt: { attemptId, dedupeKey, forced: input.force } };
        }
        const holder = await readClaimHolder(dedupeKey);
        if (holder) {
          await insertDuplicate(attemptId, input, holder.id);
          return { ok: false, previous: holder.previous };
        }
      }
      throw new Error('The duplicate guard could not settle a claim after 3 rounds');
    },

    /**
     * Records how the attempt ended. A definite rejection frees the key if this attempt holds it (the
     * customer got nothing from it); a forced attempt that was sent, or may have been, takes the key
     * over and starts a new window.
     */
    async complete(attempt: Attempt, result: AttemptOutcome): Promise<void> {
      if (result.outcome === 'failed') {
        await db.query(
          `WITH done AS (
             UPDATE send_journal SET outcome = 'failed', error_code = $2, error_detail = $4, completed_at = now()
              WHERE id = $1 RETURNING id
           )
           DELETE FROM send_claims WHERE dedupe_key = $3 AND attempt_id IN (SELECT id FROM done)`,
          [attempt.attemptId, result.code, attempt.dedupeKey, result.detail ?? null],
        );
        return;
      }
      const messageId = result.outcome === 'sent' ? result.messageId : null;
      const errorCode = result.outcome === 'unknown' ? result.code : null;
      const errorDetail = result.outcome === 'unknown' ? (result.detail ?? null) : null;
      if (!attempt.forced) {
        await statements.recordOutcome({
          attemptId: attempt.attemptId,
          outcome: result.outcome,
          messageId,
          errorCode,
          errorDetail,
        });
        return;
      }
      await db.query(
        `WITH done AS (
           UPDATE send_journal SET outcome = $2, message_id = $3, error_code = $4, error_detail = $6,
                  completed_at = now()
            WHERE id = $1 RETURNING id
         )
         INSERT INTO send_claims (dedupe_key, attempt_id, claimed_at) SELECT $5, id, now() FROM done
         ON CONFLICT (dedupe_key) DO UPDATE SET attempt_id = EXCLUDED.attempt_id, claimed_at = now()`,
        [attempt.attemptId, result.outcome, messageId, errorCode, attempt.dedupeKey, errorDetail],
      );
    },

    /**
     * Attempts whose outcome was never written, long after any send could have lasted (the process
     * or the database went away mid-send): each may have reached the customer. The newest `limit` ids.
     */
    async findStuckInFlight(limit = 20): Promise<{ count: number; attemptIds: string[] }> {
      const rows = await db.query<Pick<SendJournalRow, 'id'> & { total: number | string }>(
        `SELECT id, count(*) OVER () AS total FROM send_journal
          WHERE outcome = 'in_flight' AND created_at < now() - make_interval(secs => $1)
          ORDER BY created_at DESC LIMIT $2`,
        [STALE_IN_FLIGHT_SECONDS, limit],
      );
      return { count: Number(rows[0]?.total ?? 0), attemptIds: rows.map((row) => row.id) };
    },

    /** The newest attempts of one workspace (never another's). */
    async list(workspaceId: string, limit = 50): Promise<SendJournalRow[]> {
      return db.query<SendJournalRow>(
        'SELECT * FROM send_journal WHERE workspace_id = $1 ORDER BY created_at DESC, id LIMIT $2',
        [workspaceId, limit],
      );
    },
  };
}

export type SendJournal = ReturnType<typeof createSendJournal>;
