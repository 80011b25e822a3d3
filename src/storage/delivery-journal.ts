import { DELIVERY_RANK, type DeliveryState } from '../domain/delivery-state.ts';
import type { Database } from './database.ts';
import { selectList } from './row-schema.ts';
import {
  ATTEMPT_COLUMNS,
  DELIVERY_COLUMNS,
  type SendJournalColumn,
  type SendJournalRow,
} from './send-journal-row.ts';
import { createStatementBatcher } from './statement-batcher.ts';

/** One status callback, ready to apply: which attempt it may be about, and what it says. */
export type DeliveryUpdate = {
  workspaceId: string;
  /** Kaleyra's and WhatsApp's ids from the callback; the attempt whose message_id is one of them. */
  messageIds: readonly string[];
  /** The journal attempt id our send put in `ref2`, tried when no id matches. */
  attemptId?: string | undefined;
  /** WhatsApp's id of the message (`statuses[].id`), kept so a customer's reply to it finds the attempt. */
  wamid?: string | undefined;
  /** The word as received; recorded even when it is not a state we know. */
  status: string;
  /** The state it means, or undefined for an unknown word (recorded, changes nothing). */
  state: DeliveryState | undefined;
  at: Date | undefined;
  errorCode?: string | undefined;
  errorText?: string | undefined;
};

export type DeliveryApplied = {
  /** The attempt it matched in the workspace, if any. */
  attemptId: string | undefined;
  /** False when this exact status was already recorded for the attempt (a repeated callback). */
  recorded: boolean;
  /** The attempt's new delivery version when what the agent sees changed, else undefined. */
  version: number | undefined;
};

/** Where the outcome message of an attempt went: a message the app can edit, or not. */
export type SlackLocation =
  /** `threadTs`: the message is a reply in that thread, where notices about it go too. */
  | { path: 'channel' | 'dm'; channel: string; ts: string; threadTs?: string | undefined }
  | { path: 'response_url' | 'none' };

const RECORD_COLUMNS = [
  ...ATTEMPT_COLUMNS,
  // An order-status template, or an agent's reply (a session text: `body` holds its words).
  'kind',
  'body',
  'workspace_id',
  'template_name',
  'language_code',
  // Where the outcome message is, and what it shows.
  'slack_path',
  'slack_channel',
  'slack_ts',
  'slack_thread_ts',
  'slack_version',
  'notice_state',
  'delivery_version',
  ...DELIVERY_COLUMNS,
] as const satisfies readonly SendJournalColumn[];

/** An attempt as the Slack side needs it to show its delivery state. */
export type DeliveryRecord = Pick<SendJournalRow, (typeof RECORD_COLUMNS)[number]>;

// One statement (no transaction spans statements on the embedded database): find the attempt in the
// workspace, record the event once (its key makes a repeat insert nothing), and move the state only
// upward. Concurrent callbacks for one attempt queue on its row and re-check the WHERE on the newest
// version, so each change is applied exactly once whichever replica receives it.
const APPLY = `
WITH target AS (
  SELECT id FROM send_journal
   WHERE workspace_id = $1 AND (message_id = ANY($2::text[]) OR id = $3::text)
   ORDER BY (message_id = ANY($2::text[])) DESC NULLS LAST
   LIMIT 1
), event AS (
  INSERT INTO delivery_events (attempt_id, status, error_code, error_text, occurred_at)
  SELECT id, $4, $5, $6, $7::timestamptz FROM target
  ON CONFLICT DO NOTHING
  RETURNING attempt_id
), wamid AS (
  INSERT INTO send_wamids (workspace_id, wamid, attempt_id)
  SELECT $1, $11::text, id FROM target WHERE $11::text IS NOT NULL
  ON CONFLICT DO NOTHING
), changed AS (
  UPDATE send_journal j SET
    whatsapp_sent_at = CASE WHEN $9 = 'sent' THEN COALESCE(j.whatsapp_sent_at, $10) ELSE j.whatsapp_sent_at END,
    delivered_at = CASE WHEN $9 = 'delivered' THEN COALESCE(j.delivered_at, $10) ELSE j.delivered_at END,
    read_at = CASE WHEN $9 = 'read' THEN COALESCE(j.read_at, $10) ELSE j.read_at END,
    delivery_failed_at = CASE WHEN $8 > j.delivery_rank AND $9 IN ('failed', 'not_sent') THEN $10 ELSE j.delivery_failed_at END,
    delivery_error_code = CASE WHEN $8 > j.delivery_rank AND $9 IN ('failed', 'not_sent') THEN NULLIF($5, '') ELSE j.delivery_error_code END,
    delivery_error_text = CASE WHEN $8 > j.delivery_rank AND $9 IN ('failed', 'not_sent') THEN $6 ELSE j.delivery_error_text END,
    delivery_state = CASE WHEN $8 > j.delivery_rank THEN $9 ELSE j.delivery_state END,
    delivery_rank = GREATEST(j.delivery_rank, $8),
    delivery_version = j.delivery_version + 1
  FROM event
  WHERE j.id = event.attempt_id
    AND ($8 > j.delivery_rank
      OR ($9 = 'sent' AND j.whatsapp_sent_at IS NULL)
      OR ($9 = 'delivered' AND j.delivered_at IS NULL)
      OR ($9 = 'read' AND j.read_at IS NULL))
  RETURNING j.delivery_version
)
SELECT (SELECT id FROM target) AS attempt_id,
       EXISTS (SELECT 1 FROM event) AS recorded,
       (SELECT delivery_version FROM changed) AS version`;

/** The delivery side of the send journal: status callbacks in, what Slack shows out. */
export function createDeliveryJournal(db: Database) {
  // The sends that post their outcome in one event-loop turn note where it went in one statement.
  const recordLocation = createStatementBatcher<
    { attemptId: string; location: SlackLocation },
    { deliveryState: DeliveryState | null } | undefined
  >(async (rows) => {
    const at = (i: number) => {
      const location = rows[i]?.location;
      return location?.path === 'channel' || location?.path === 'dm' ? location : undefined;
    };
    const found = await db.query<Pick<SendJournalRow, 'id' | 'delivery_state'>>(
      `UPDATE send_journal j SET slack_path = v.path, slack_channel = v.channel, slack_ts = v.ts,
              slack_thread_ts = v.thread_ts
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(id, path, channel, ts, thread_ts)
        WHERE j.id = v.id
       RETURNING j.id, j.delivery_state`,
      [
        rows.map((row) => row.attemptId),
        rows.map((row) => row.location.path),
        rows.map((_, i) => at(i)?.channel ?? null),
        rows.map((_, i) => at(i)?.ts ?? null),
        rows.map((_, i) => at(i)?.threadTs ?? null),
      ],
    );
    const byId = new Map(found.map((row) => [row.id, { deliveryState: row.delivery_state }]));
    return rows.map((row) => byId.get(row.attemptId));
  });

  return {
    /** Applies one status callback to the workspace's attempt it names (never another workspace's). */
    async apply(update: DeliveryUpdate): Promise<DeliveryApplied> {
      const at = update.at ?? new Date();
      const rows = await db.query<{ attempt_id: string | null; recorded: boolean; version: number | null }>(
        APPLY,
        [
          update.workspaceId,
          [...update.messageIds],
          update.attemptId ?? null,
          update.status,
          update.errorCode ?? '',
          update.errorText ?? null,
          update.at ?? null,
          update.state ? DELIVERY_RANK[update.state] : 0,
          update.state ?? null,
          at,
          update.wamid ?? null,
        ],
      );
      const row = rows[0];
      return {
        attemptId: row?.attempt_id ?? undefined,
        recorded: row?.recorded === true,
        version: row?.version === null || row?.version === undefined ? undefined : Number(row.version),
      };
    },

    async read(attemptId: string): Promise<DeliveryRecord | undefined> {
      const rows = await db.query<DeliveryRecord>(
        `SELECT ${selectList(RECORD_COLUMNS)} FROM send_journal WHERE id = $1`,
        [attemptId],
      );
      return rows[0];
    },

    /**
     * Where the attempt's outcome message went. Returns the attempt's delivery state as it is now
     * (a status callback may have come while the message was being posted); undefined for no such attempt.
     */
    recordSlackMessage(
      attemptId: string,
      location: SlackLocation,
    ): Promise<{ deliveryState: DeliveryState | null } | undefined> {
      return recordLocation({ attemptId, location });
    },

    /**
     * The Slack message now shows `version` (never moved back by a slower, older edit). Returns the
     * attempt's delivery version now: higher when a status came in while the edit was being made.
     */
    async markShown(attemptId: string, version: number): Promise<number | undefined> {
      const rows = await db.query<Pick<SendJournalRow, 'delivery_version'>>(
        'UPDATE send_journal SET slack_version = GREATEST(slack_version, $2) WHERE id = $1 RETURNING delivery_version',
        [attemptId, version],
      );
      return rows[0] === undefined ? undefined : Number(rows[0].delivery_version);
    },

    /** The message can no longer be edited (deleted, or Slack refuses): later notices go by DM. */
    async markSlackGone(attemptId: string): Promise<void> {
      await db.query(`UPDATE send_journal SET slack_path = 'gone' WHERE id = $1`, [attemptId]);
    },

    /**
     * Takes the right to post a notice (the failure, or its correction) once across every replica:
     * true for exactly one caller that finds the notice state at `from`. The reverse move gives it back.
     */
    async claimNotice(
      attemptId: string,
      from: DeliveryRecord['notice_state'],
      to: DeliveryRecord['notice_state'],
    ): Promise<boolean> {
      const rows = await db.query(
        'UPDATE send_journal SET notice_state = $3 WHERE id = $1 AND notice_state IS NOT DISTINCT FROM $2 RETURNING id',
        [attemptId, from, to],
      );
      return rows.length === 1;
    },
  };
}

export type DeliveryJournal = ReturnType<typeof createDeliveryJournal>;
