import * as v from 'valibot';
import {
  PAYMENT_KIND_RANK,
  type PaymentFacts,
  type PaymentKind,
  type PaymentState,
} from '../domain/payment.ts';
import type { Database } from './database.ts';
import { factsText, PaymentEventsRowSchema, PaymentStatesRowSchema, readFacts } from './payment-tables.ts';

/** One payment event to record, its texts cleaned and bounded by the caller. */
export type PaymentRecord = {
  id: string;
  workspaceId: string;
  referenceId: string;
  /** What makes two copies of one event the same (a hash of what it says). */
  eventKey: string;
  kind: PaymentKind;
  status: string | undefined;
  facts: PaymentFacts;
  customerHash: string | undefined;
  customerMasked: string | undefined;
  /** When it happened (eventTimeOf). */
  at: Date;
};

/**
 * `inserted`: heard for the first time (false: a retry, or the copy another replica recorded);
 * `applied`: it now decides the order's state (false: a newer event already does).
 */
export type PaymentRecorded = { inserted: boolean; applied: boolean };

/** A payment event as history shows it. */
export type PaymentEventView = PaymentState & {
  receivedAt: Date;
  applied: boolean;
  customerMasked: string | undefined;
};

// $1 id, $2 workspace, $3 reference, $4 event key, $5 kind, $6 rank, $7 status, $8 facts, $9 customer
// hash, $10 masked, $11 the event's time. One statement: the state moves only forward by (time, rank,
// key), and the event is recorded once with whether it moved it, so it holds the same whichever
// replica (or both at once) received the event. An event already recorded moves nothing: one that
// carried no time of its own is at its receipt time, which a retry would otherwise move past newer events.
const RECORD = `
WITH up AS (
  INSERT INTO payment_states AS s (workspace_id, reference_id, event_id, event_key, kind, rank, status, facts, event_at)
  SELECT $2, $3, $1, $4, $5, $6, $7, $8, $11
   WHERE NOT EXISTS (SELECT 1 FROM payment_events e WHERE e.workspace_id = $2 AND e.event_key = $4)
  ON CONFLICT (workspace_id, reference_id) DO UPDATE SET
    event_id = EXCLUDED.event_id, event_key = EXCLUDED.event_key, kind = EXCLUDED.kind, rank = EXCLUDED.rank,
    status = EXCLUDED.status, facts = EXCLUDED.facts, event_at = EXCLUDED.event_at, updated_at = now()
  WHERE (s.event_at, s.rank, s.event_key) < (EXCLUDED.event_at, EXCLUDED.rank, EXCLUDED.event_key)
  RETURNING 1
), heard AS (
  INSERT INTO payment_events
    (id, workspace_id, reference_id, event_key, kind, status, facts, customer_hash, customer_masked, event_at, applied)
  VALUES ($1, $2, $3, $4, $5, $7, $8, $9, $10, $11, EXISTS (SELECT 1 FROM up))
  ON CONFLICT (workspace_id, event_key) DO NOTHING
  RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM heard) AS inserted, EXISTS (SELECT 1 FROM up) AS applied`;

const RecordedSchema = v.object({ inserted: v.boolean(), applied: v.boolean() });
const StateRowSchema = v.pick(PaymentStatesRowSchema, ['kind', 'status', 'facts', 'event_at']);
const EventRowSchema = v.pick(PaymentEventsRowSchema, [
  'kind',
  'status',
  'facts',
  'event_at',
  'received_at',
  'applied',
  'customer_masked',
]);

/** Payment events per workspace and order reference, and each order's payment state. */
export function createPaymentStore(db: Database) {
  return {
    async record(event: PaymentRecord): Promise<PaymentRecorded> {
      const rows = await db.query(RECORD, [
        event.id,
        event.workspaceId,
        event.referenceId,
        event.eventKey,
        event.kind,
        PAYMENT_KIND_RANK[event.kind],
        event.status ?? null,
        factsText(event.facts),
        event.customerHash ?? null,
        event.customerMasked ?? null,
        event.at,
      ]);
      return v.parse(RecordedSchema, rows[0]);
    },

    /** The order's payment as its newest event says; undefined when none was heard of. */
    async stateOf(workspaceId: string, referenceId: string): Promise<PaymentState | undefined> {
      const rows = await db.query(
        `SELECT kind, status, facts, event_at FROM payment_states WHERE workspace_id = $1 AND reference_id = $2`,
        [workspaceId, referenceId],
      );
      if (!rows[0]) return undefined;
      const row = v.parse(StateRowSchema, rows[0]);
      return {
        kind: row.kind,
        status: row.status ?? undefined,
        facts: readFacts(row.facts),
        at: row.event_at,
      };
    },

    /** The order's payment events, newest first by their own times (late ones included, marked). */
    async eventsOf(workspaceId: string, referenceId: string, limit: number): Promise<PaymentEventView[]> {
      const rows = await db.query(
        `SELECT kind, status, facts, event_at, received_at, applied, customer_masked FROM payment_events
          WHERE workspace_id = $1 AND reference_id = $2
          ORDER BY event_at DESC, received_at DESC, id
          LIMIT $3`,
        [workspaceId, referenceId, limit],
      );
      return rows.map((raw) => {
        const row = v.parse(EventRowSchema, raw);
        return {
          kind: row.kind,
          status: row.status ?? undefined,
          facts: readFacts(row.facts),
          at: row.event_at,
          receivedAt: row.received_at,
          applied: row.applied,
          customerMasked: row.customer_masked ?? undefined,
        };
      });
    },
  };
}

export type PaymentStore = ReturnType<typeof createPaymentStore>;
