import * as v from 'valibot';
import { INCOMING_TYPES } from '../domain/incoming-message.ts';
import { Timestamp } from './row-schema.ts';

const Text = v.string();
const MaybeText = v.nullable(v.string());
const MaybeTimestamp = v.nullable(Timestamp);

/** Where a customer's message ended up in Slack (`pending`: not yet). */
export const POST_STATES = ['pending', 'thread', 'replies_channel', 'dm', 'kept'] as const;
/** How a customer's message was matched to an order. */
export const MATCHES = ['context', 'reply_to', 'number'] as const;

/**
 * One row of `incoming_messages`, every column (migrations 12 and 17): a customer's message, its number only as
 * keyed hash, masked and sealed. The one description of that table's rows; readers take Picks of it.
 */
export const IncomingMessagesRowSchema = v.object({
  id: Text,
  workspace_id: Text,
  /** WhatsApp's id of the message: recorded once per workspace. */
  message_id: Text,
  customer_hash: Text,
  customer_masked: Text,
  /** The number sealed for this workspace (purpose customer-number): only a reply opens it. */
  customer_sealed: Text,
  customer_name: MaybeText,
  business_number: MaybeText,
  type: v.picklist([...INCOMING_TYPES, 'other']),
  text: MaybeText,
  /** JSON of the media link or the location (IncomingDetails). */
  details: MaybeText,
  sent_at: Timestamp,
  received_at: Timestamp,
  /** The order (send_journal id) it was matched to. */
  attempt_id: MaybeText,
  matched_by: v.nullable(v.picklist(MATCHES)),
  keyword: v.nullable(v.picklist(['opt_out', 'opt_in'])),
  /** The keyword was written before the number's newest consent change (migration 17): it changed nothing. */
  keyword_late: v.boolean(),
  post_state: v.picklist(POST_STATES),
  post_lease_until: MaybeTimestamp,
  post_tries: v.number(),
  post_note: MaybeText,
  slack_channel: MaybeText,
  slack_ts: MaybeText,
  slack_thread_ts: MaybeText,
  slack_permalink: MaybeText,
});
export type IncomingMessagesRow = v.InferOutput<typeof IncomingMessagesRowSchema>;

/** One row of `send_wamids` (migration 12): WhatsApp's id of a send, learnt from its status callbacks. */
export const SendWamidsRowSchema = v.object({ workspace_id: Text, wamid: Text, attempt_id: Text });
