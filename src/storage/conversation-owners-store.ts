import * as v from 'valibot';
import { type ConversationState, NO_ORDER } from '../domain/conversation.ts';
import type { Database } from './database.ts';
import { camelRow, selectList, Timestamp } from './row-schema.ts';

const MaybeText = v.nullable(v.string());
const MaybeTimestamp = v.nullable(Timestamp);

/** The conversations table (migration 30), every column. */
export const ConversationsRowSchema = v.object({
  workspace_id: v.string(),
  /** The customer's number as its keyed hash. */
  customer_hash: v.string(),
  /** The order's reference, or '' (NO_ORDER) for the customer's messages matched to no order. */
  reference_id: v.string(),
  /** A Slack user id. */
  owner: MaybeText,
  owned_since: MaybeTimestamp,
  previous_owner: MaybeText,
  resolved: v.boolean(),
  resolved_by: MaybeText,
  resolved_at: MaybeTimestamp,
  reopened_at: MaybeTimestamp,
  /** The statement that last changed the row (a random id of each take, resolve or reopen). */
  change_id: v.string(),
  updated_at: Timestamp,
});

const STATE_COLUMNS = [
  'owner',
  'owned_since',
  'previous_owner',
  'resolved',
  'resolved_by',
  'resolved_at',
  'reopened_at',
] as const;
const StateSchema = v.pick(ConversationsRowSchema, STATE_COLUMNS);
const ChangedSchema = v.object({ ...StateSchema.entries, changed: v.boolean() });

/** NO_ORDER as SQL (a constant, never outside text). */
export const NO_ORDER_SQL = `'${NO_ORDER.replace(/'/g, "''")}'`;

/**
 * The conversation a stored message belongs to ($1 workspace, $2 message id): its customer and the
 * reference of the order it was matched to. Only the clicking workspace's messages are ever found.
 */
export const MESSAGE_CONVERSATION = `
SELECT i.workspace_id, i.customer_hash, COALESCE(j.reference_id, ${NO_ORDER_SQL}) AS reference_id,
       i.sent_at, i.received_at, i.keyword, i.type, i.id
  FROM incoming_messages i
  LEFT JOIN send_journal j ON j.id = i.attempt_id AND j.workspace_id = i.workspace_id
 WHERE i.workspace_id = $1 AND i.id = $2`;

/** A customer's message that asks for an answer: not a consent keyword (STOP…), not a reaction. */
export const asksForAnswer = (m: string) => `${m}.keyword IS NULL AND ${m}.type <> 'reaction'`;

/**
 * Came after the conversation's latest resolution (never resolved: always): received after it, so the
 * agent who resolved it could not have seen it, and written at or after it. WhatsApp stamps whole
 * seconds, so a message of the resolution's own second counts as written after it: a tie goes to the
 * customer, who is then not left unanswered.
 */
export const afterResolution = (m: string, c: string) =>
  `(${c}.resolved_at IS NULL OR (${m}.received_at > ${c}.resolved_at
    AND ${m}.sent_at >= date_trunc('second', ${c}.resolved_at)))`;

const KEY = 'workspace_id, customer_hash, reference_id';
const RETURNED = `${selectList(STATE_COLUMNS)}, change_id = $4::text AS changed`;

// A take applies when nobody has the conversation, or the owner is the one the clicker saw ($5); the
// conflict branch reads the row as committed (locked), so two replicas taking at once queue on it and
// the second one finds the first one's owner.
const TAKES = '(c.owner IS NULL OR c.owner = $5::text) AND c.owner IS DISTINCT FROM EXCLUDED.owner';
const TAKE = `
WITH message AS (${MESSAGE_CONVERSATION})
INSERT INTO conversations AS c (${KEY}, owner, owned_since, change_id)
SELECT ${KEY}, $3::text, now(), $4::text FROM message
ON CONFLICT (${KEY}) DO UPDATE SET
  owner = CASE WHEN ${TAKES} THEN EXCLUDED.owner ELSE c.owner END,
  owned_since = CASE WHEN ${TAKES} THEN now() ELSE c.owned_since END,
  previous_owner = CASE WHEN ${TAKES} THEN c.owner ELSE c.previous_owner END,
  change_id = CASE WHEN ${TAKES} THEN EXCLUDED.change_id ELSE c.change_id END,
  updated_at = CASE WHEN ${TAKES} THEN now() ELSE c.updated_at END
RETURNING ${RETURNED}`;

// Resolved once: a second Resolve changes nothing and reads who resolved it and when.
const RESOLVE = `
WITH message AS (${MESSAGE_CONVERSATION})
INSERT INTO conversations AS c (${KEY}, resolved, resolved_by, resolved_at, change_id)
SELECT ${KEY}, true, $3::text, now(), $4::text FROM message
ON CONFLICT (${KEY}) DO UPDATE SET
  resolved = true,
  resolved_by = CASE WHEN c.resolved THEN c.resolved_by ELSE EXCLUDED.resolved_by END,
  resolved_at = CASE WHEN c.resolved THEN c.resolved_at ELSE EXCLUDED.resolved_at END,
  change_id = CASE WHEN c.resolved THEN c.change_id ELSE EXCLUDED.change_id END,
  updated_at = CASE WHEN c.resolved THEN c.updated_at ELSE now() END
RETURNING ${RETURNED}`;

// The customer's message reopens its resolved conversation when written after the resolution; the
// condition is re-checked on the row as committed, so of two messages at once one reopens it, and a
// resolution committed meanwhile is compared with the message in its turn.
const REOPEN = `
UPDATE conversations c SET resolved = false, reopened_at = now(), change_id = $3::text, updated_at = now()
  FROM (${MESSAGE_CONVERSATION}) m
 WHERE c.workspace_id = m.workspace_id AND c.customer_hash = m.customer_hash AND c.reference_id = m.reference_id
   AND c.resolved AND ${asksForAnswer('m')} AND ${afterResolution('m', 'c')}
RETURNING ${selectList(STATE_COLUMNS.map((column) => `c.${column}`))}`;

// The message's conversation, and (for its mention) the order's sender and whether it is the order's first reply.
const STATE_OF = `
SELECT ${selectList(STATE_COLUMNS.map((column) => `c.${column}`))}, c.change_id IS NOT NULL AS known,
       j.actor, COALESCE(j.first_reply_id = i.id, false) AS first
  FROM incoming_messages i
  LEFT JOIN send_journal j ON j.id = i.attempt_id AND j.workspace_id = i.workspace_id
  LEFT JOIN conversations c ON c.workspace_id = i.workspace_id AND c.customer_hash = i.customer_hash
       AND c.reference_id = COALESCE(j.reference_id, ${NO_ORDER_SQL})
 WHERE i.workspace_id = $1 AND i.id = $2`;

const StateOfSchema = v.object({
  ...v.partial(StateSchema).entries,
  resolved: v.nullable(v.boolean()),
  known: v.boolean(),
  actor: MaybeText,
  first: v.boolean(),
});

/** A conversation as a take or resolve left it, and whether that statement changed it. */
export type ConversationChange = ConversationState & { changed: boolean };

/** The message's conversation (none yet: nobody has it), the order's sender, and whether it is the order's first reply. */
export type MessageConversation = {
  state: ConversationState;
  /** Slack user id, `cli` or `workflow`; undefined when the message matched no order. */
  orderSender: string | undefined;
  firstReply: boolean;
};

const NOBODY: ConversationState = {
  owner: undefined,
  ownedSince: undefined,
  previousOwner: undefined,
  resolved: false,
  resolvedBy: undefined,
  resolvedAt: undefined,
  reopenedAt: undefined,
};

const stateOf = (row: v.InferOutput<typeof StateSchema>): ConversationState => camelRow(row);

/**
 * Who has each conversation and whether it is resolved, shared by every replica: each change is one
 * statement on both stores. Every call names a customer's message of the workspace (a Slack button's
 * value); the conversation is found from it, in that workspace only.
 */
export function createConversationOwnersStore(db: Database) {
  const change = async (sql: string, params: unknown[]): Promise<ConversationChange | undefined> => {
    const [row] = await db.query(sql, params);
    if (row === undefined) return undefined;
    const { changed, ...state } = v.parse(ChangedSchema, row);
    return { ...stateOf(state), changed };
  };

  return {
    /**
     * `userId` takes the conversation of message `incomingId` when nobody has it or `from` does (the
     * owner the clicker saw). Undefined when the message is not stored in this workspace.
     */
    take(input: {
      workspaceId: string;
      incomingId: string;
      userId: string;
      from: string | undefined;
      changeId: string;
    }): Promise<ConversationChange | undefined> {
      const { workspaceId, incomingId, userId, changeId, from } = input;
      return change(TAKE, [workspaceId, incomingId, userId, changeId, from ?? null]);
    },

    /** Resolves the message's conversation, once. Undefined when the message is not stored in this workspace. */
    resolve(input: {
      workspaceId: string;
      incomingId: string;
      userId: string;
      changeId: string;
    }): Promise<ConversationChange | undefined> {
      const { workspaceId, incomingId, userId, changeId } = input;
      return change(RESOLVE, [workspaceId, incomingId, userId, changeId]);
    },

    /** Reopens the message's conversation when it is resolved and the message came after; the state reopened, else undefined. */
    async reopen(
      workspaceId: string,
      incomingId: string,
      changeId: string,
    ): Promise<ConversationState | undefined> {
      const [row] = await db.query(REOPEN, [workspaceId, incomingId, changeId]);
      return row === undefined ? undefined : stateOf(v.parse(StateSchema, row));
    },

    /** The message's conversation as it stands; undefined when the message is not stored in this workspace. */
    async ofMessage(workspaceId: string, incomingId: string): Promise<MessageConversation | undefined> {
      const [row] = await db.query(STATE_OF, [workspaceId, incomingId]);
      if (row === undefined) return undefined;
      const { known, actor, first, ...state } = v.parse(StateOfSchema, row);
      return {
        state: known ? stateOf(v.parse(StateSchema, state)) : NOBODY,
        orderSender: actor ?? undefined,
        firstReply: first,
      };
    },
  };
}

export type ConversationOwnersStore = ReturnType<typeof createConversationOwnersStore>;
