import type { Database } from './database.ts';
import { INCOMING_ROW_COLUMNS, type IncomingRow, type PostState, readIncomingRow } from './incoming-store.ts';

/** The order a customer's message was matched to, as its post needs it: its outcome message and its sender. */
export type OrderOfMessage = {
  attemptId: string;
  referenceId: string;
  /** Slack user id, or `cli` / `workflow`. */
  actor: string;
  source: string;
  slackPath: 'channel' | 'dm' | 'response_url' | 'none' | 'gone' | null;
  slackChannel: string | null;
  /** The thread the order lives in: its outcome message, or the thread that message is a reply in. */
  threadTs: string | null;
  createdAt: Date;
};

/** A customer's message this process now holds the right to post (until its lease runs out). */
export type PostClaim = {
  message: IncomingRow;
  /** How often it has been claimed, this time included. */
  tries: number;
  order: OrderOfMessage | undefined;
  /** The order's first customer message: its post mentions the agent who sent the order. */
  first: boolean;
  /** Where this conversation's last message went in the replies channel (the last day), to keep them in one thread. */
  earlierInRepliesChannel: { channel: string; threadTs: string } | undefined;
};

/**
 * Whose claim: each claim counts one more try, so the count names the claimant. A process whose lease ran
 * out (another one claimed the message since) can no longer renew, mark, release or keep it.
 */
export type ClaimHeld = { workspaceId: string; id: string; tries: number };

/** The claim of `claim`, as renew, markPosted, release and keep take it. */
export function heldBy(claim: PostClaim): ClaimHeld {
  return { workspaceId: claim.message.workspace_id, id: claim.message.id, tries: claim.tries };
}

/** Where a message was posted. `threadTs`: the thread it is a reply in (none when it starts one). */
export type PostedAt = { channel: string; ts: string; threadTs: string | undefined };

/** The message's row, the order it belongs to, and the conversation's earlier replies-channel thread. */
const CLAIMED_SELECT = `
SELECT ${INCOMING_ROW_COLUMNS.split(',')
  .map((column) => `c.${column.trim()}`)
  .join(', ')}, c.post_tries,
  j.id AS order_id, j.reference_id AS order_reference, j.actor AS order_actor, j.source AS order_source,
  j.slack_path AS order_slack_path, j.slack_channel AS order_channel,
  COALESCE(j.slack_thread_ts, j.slack_ts) AS order_thread_ts, j.created_at AS order_created_at,
  COALESCE(j.first_reply_id = c.id, false) AS first,
  earlier.slack_channel AS earlier_channel, earlier.thread_ts AS earlier_thread_ts
FROM claimed c
LEFT JOIN send_journal j ON j.id = c.attempt_id AND j.workspace_id = c.workspace_id
LEFT JOIN LATERAL (
  SELECT p.slack_channel, COALESCE(p.slack_thread_ts, p.slack_ts) AS thread_ts FROM incoming_messages p
   WHERE p.workspace_id = c.workspace_id AND p.customer_hash = c.customer_hash
     AND p.attempt_id IS NOT DISTINCT FROM c.attempt_id AND p.post_state = 'replies_channel'
     AND p.id <> c.id AND p.received_at > now() - interval '1 day'
   ORDER BY p.received_at DESC LIMIT 1
) earlier ON true
ORDER BY c.sent_at, c.received_at`;

// A message may be claimed while it is pending and nobody holds it (or the holder's lease ran out). The
// condition is in the UPDATE itself: two replicas claiming at once queue on the row, and the second one
// re-checks it against the first one's lease and gets nothing.
const claimable = (alias = '') =>
  `${alias}post_state = 'pending' AND (${alias}post_lease_until IS NULL OR ${alias}post_lease_until <= now())`;
// Still this claimant's: pending, and claimed no more times since ($1 workspace, $2 id, $3 tries).
const STILL_HELD = `workspace_id = $1 AND id = $2 AND post_tries = $3 AND post_state = 'pending'`;
const held = (claim: ClaimHeld) => [claim.workspaceId, claim.id, claim.tries];

/** Taking the right to post a customer's message, once across replicas, and noting where it went. */
export function createIncomingPosts(db: Database) {
  const claimed = async (sql: string, params: unknown[]): Promise<PostClaim[]> =>
    (await db.query<Record<string, unknown>>(sql, params)).map(readClaim);

  return {
    /** Claims one just-recorded message of this workspace for `leaseSeconds`; undefined when another process holds it or it is done. */
    async claim(workspaceId: string, id: string, leaseSeconds: number): Promise<PostClaim | undefined> {
      const rows = await claimed(
        `WITH claimed AS (
           UPDATE incoming_messages SET post_lease_until = now() + make_interval(secs => $3),
                  post_tries = post_tries + 1
            WHERE workspace_id = $1 AND id = $2 AND ${claimable()}
           RETURNING *
         ) ${CLAIMED_SELECT}`,
        [workspaceId, id, leaseSeconds],
      );
      return rows[0];
    },

    /**
     * Up to `limit` messages left pending (any workspace), oldest first: a lease that ran out (a crash, or a
     * retry's wait over), or never claimed `graceSeconds` after arrival (the receiving process died first).
     */
    async claimDue(limit: number, leaseSeconds: number, graceSeconds: number): Promise<PostClaim[]> {
      return claimed(
        `WITH due AS (
           SELECT id FROM incoming_messages
            WHERE post_state = 'pending' AND (post_lease_until <= now()
              OR (post_lease_until IS NULL AND received_at < now() - make_interval(secs => $3)))
            ORDER BY received_at LIMIT $1
         ), claimed AS (
           UPDATE incoming_messages i SET post_lease_until = now() + make_interval(secs => $2),
                  post_tries = i.post_tries + 1
             FROM due WHERE i.id = due.id AND ${claimable('i.')}
           RETURNING i.*
         ) ${CLAIMED_SELECT}`,
        [limit, leaseSeconds, graceSeconds],
      );
    },

    /**
     * Holds the claim `leaseSeconds` more (a post waiting on Slack outlives its first lease); false when it
     * is no longer this claimant's (its lease ran out and another process claimed it, or it is done).
     */
    async renew(claim: ClaimHeld, leaseSeconds: number): Promise<boolean> {
      const rows = await db.query(
        `UPDATE incoming_messages SET post_lease_until = now() + make_interval(secs => $4)
          WHERE ${STILL_HELD} RETURNING id`,
        [...held(claim), leaseSeconds],
      );
      return rows.length > 0;
    },

    /**
     * Posted: where, and why not in the order's thread (`note`) when it is not there. False when the
     * claim was no longer this claimant's: another process holds the message and records its own post.
     */
    async markPosted(
      claim: ClaimHeld,
      state: Exclude<PostState, 'pending' | 'kept'>,
      at: PostedAt,
      note: string | undefined,
    ): Promise<boolean> {
      const rows = await db.query(
        `UPDATE incoming_messages SET post_state = $4, slack_channel = $5, slack_ts = $6, slack_thread_ts = $7,
                post_note = $8, post_lease_until = NULL
          WHERE ${STILL_HELD} RETURNING id`,
        [...held(claim), state, at.channel, at.ts, at.threadTs ?? null, note ?? null],
      );
      return rows.length > 0;
    },

    /** The post's link (chat.getPermalink), for the App Home. */
    async setPermalink(workspaceId: string, id: string, permalink: string): Promise<void> {
      await db.query(
        'UPDATE incoming_messages SET slack_permalink = $3 WHERE workspace_id = $1 AND id = $2',
        [workspaceId, id, permalink],
      );
    },

    /** Not posted this time (Slack failed): pending again after `retryInSeconds`, for the sweeper. */
    async release(claim: ClaimHeld, note: string, retryInSeconds: number): Promise<void> {
      await db.query(
        `UPDATE incoming_messages SET post_lease_until = now() + make_interval(secs => $5), post_note = $4
          WHERE ${STILL_HELD}`,
        [...held(claim), note, retryInSeconds],
      );
    },

    /** Nowhere in Slack could take it: kept (listed, with `note`, on the admins' App Home). */
    async keep(claim: ClaimHeld, note: string): Promise<void> {
      await db.query(
        `UPDATE incoming_messages SET post_state = 'kept', post_note = $4, post_lease_until = NULL
          WHERE ${STILL_HELD}`,
        [...held(claim), note],
      );
    },
  };
}

export type IncomingPosts = ReturnType<typeof createIncomingPosts>;

const ROW_KEYS = INCOMING_ROW_COLUMNS.split(',').map((column) => column.trim());

const SLACK_PATHS = new Set(['channel', 'dm', 'response_url', 'none', 'gone']);

function readClaim(row: Record<string, unknown>): PostClaim {
  const text = (key: string) => (typeof row[key] === 'string' ? (row[key] as string) : null);
  const orderId = text('order_id');
  const path = text('order_slack_path');
  const earlierChannel = text('earlier_channel');
  const earlierThread = text('earlier_thread_ts');
  return {
    message: readIncomingRow(Object.fromEntries(ROW_KEYS.map((key) => [key, row[key]]))),
    tries: Number(row.post_tries),
    order: orderId
      ? {
          attemptId: orderId,
          referenceId: text('order_reference') ?? '',
          actor: text('order_actor') ?? '',
          source: text('order_source') ?? '',
          slackPath: path && SLACK_PATHS.has(path) ? (path as OrderOfMessage['slackPath']) : null,
          slackChannel: text('order_channel'),
          threadTs: text('order_thread_ts'),
          createdAt: new Date(row.order_created_at as Date | string),
        }
      : undefined,
    first: row.first === true,
    earlierInRepliesChannel:
      earlierChannel && earlierThread ? { channel: earlierChannel, threadTs: earlierThread } : undefined,
  };
}
