import * as v from 'valibot';
import { DELIVERY_STATES } from '../domain/delivery-state.ts';
import { Timestamp } from './row-schema.ts';

/** How an attempt ended (migration 2's CHECK): `duplicate`, stopped by the guard, sent nothing. */
export const JOURNAL_OUTCOMES = ['in_flight', 'sent', 'failed', 'unknown', 'duplicate'] as const;
export type JournalOutcome = (typeof JOURNAL_OUTCOMES)[number];

/**
 * What an attempt sent: an order-status template, or a session message (an agent's reply) of text or
 * of a file. Anything but `order_status` is a reply: readers that mean "a reply" test that.
 */
export const JOURNAL_KINDS = ['order_status', 'text', 'media'] as const;

/** Where a send came from. */
export const ATTEMPT_SOURCES = ['slack', 'cli', 'bulk', 'workflow'] as const;

const Text = v.string();
const MaybeText = v.nullable(v.string());
const MaybeTimestamp = v.nullable(Timestamp);

/**
 * One row of `send_journal`, every column (migrations 2, 6, 10, 11 and 12), as the database hands it over:
 * the one description of that table's rows. Each reader takes a `Pick` of it (the columns it selects)
 * and, where it checks what it reads, a `v.pick` of this schema; a column added to the table is added
 * here once (test/storage/table-rows.test.ts compares this with the table).
 */
export const SendJournalRowSchema = v.object({
  id: Text,
  workspace_id: Text,
  /** Slack user id, or `cli` / `workflow`. */
  actor: Text,
  channel_id: MaybeText,
  source: v.picklist(ATTEMPT_SOURCES),
  customer_masked: Text,
  reference_id: Text,
  status: Text,
  description: MaybeText,
  template_name: Text,
  language_code: Text,
  forced: v.boolean(),
  outcome: v.picklist(JOURNAL_OUTCOMES),
  message_id: MaybeText,
  error_code: MaybeText,
  /** A network failure's system code and host (`ECONNREFUSED api.in.kaleyra.io`). */
  error_detail: MaybeText,
  duplicate_of: MaybeText,
  created_at: Timestamp,
  completed_at: MaybeTimestamp,
  /** The customer number's keyed hash (never the number itself). */
  customer_hash: MaybeText,
  // What WhatsApp said became of the message (status callbacks), highest rank wins.
  delivery_state: v.nullable(v.picklist(DELIVERY_STATES)),
  delivery_rank: v.number(),
  delivery_version: v.number(),
  whatsapp_sent_at: MaybeTimestamp,
  delivered_at: MaybeTimestamp,
  read_at: MaybeTimestamp,
  delivery_failed_at: MaybeTimestamp,
  delivery_error_code: MaybeText,
  delivery_error_text: MaybeText,
  // Where the outcome message went in Slack, and the delivery version it shows.
  slack_path: v.nullable(v.picklist(['channel', 'dm', 'response_url', 'none', 'gone'])),
  slack_channel: MaybeText,
  slack_ts: MaybeText,
  slack_version: v.number(),
  notice_state: v.nullable(v.picklist(['failure', 'correction'])),
  /** Set when the outcome is a reply in a thread (sent from a message): notices go to that thread. */
  slack_thread_ts: MaybeText,
  // The bulk row or the workflow step the attempt came from.
  bulk_job_id: MaybeText,
  bulk_line: v.nullable(v.number()),
  workflow_execution_id: MaybeText,
  // An order-status template, or a session message (an agent's reply: its words, or a file with its
  // caption in `body`, and the order it answers).
  kind: v.picklist(JOURNAL_KINDS),
  body: MaybeText,
  parent_id: MaybeText,
  /** The customer's first message about this order (the one whose post mentions the agent). */
  first_reply_id: MaybeText,
  /** A file sent as a reply (kind `media`, migration 26): the name the customer saw, and its MIME type. */
  media_name: MaybeText,
  media_type: MaybeText,
});

export type SendJournalRow = v.InferOutput<typeof SendJournalRowSchema>;
export type SendJournalColumn = keyof SendJournalRow;

/** What an attempt was: when, who sent what to whom, and Kaleyra's id for it. */
export const ATTEMPT_COLUMNS = [
  'id',
  'created_at',
  'actor',
  'source',
  'customer_masked',
  'reference_id',
  'status',
  'description',
  'message_id',
] as const satisfies readonly SendJournalColumn[];

/** What WhatsApp said became of an attempt (migration 6). */
export const DELIVERY_COLUMNS = [
  'delivery_state',
  'whatsapp_sent_at',
  'delivered_at',
  'read_at',
  'delivery_failed_at',
  'delivery_error_code',
  'delivery_error_text',
] as const satisfies readonly SendJournalColumn[];

export type DeliveryColumns = Pick<SendJournalRow, (typeof DELIVERY_COLUMNS)[number]>;
