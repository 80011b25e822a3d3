import { createHash, randomUUID } from 'node:crypto';
import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import { validPhoneNumber } from '../domain/order-status.ts';
import {
  eventTimeOf,
  kindOf,
  type PaymentEvent,
  type PaymentKind,
  type PaymentState,
} from '../domain/payment.ts';
import { chooseNumber, numbersOfWhatsAppId } from '../domain/whatsapp-number.ts';
import type { PaymentEventView, PaymentRecorded, PaymentStore } from '../storage/payment-store.ts';

export type { PaymentEventView } from '../storage/payment-store.ts';

export type PaymentsDeps = {
  store: Pick<PaymentStore, 'record' | 'stateOf' | 'eventsOf'>;
  keyedHash: KeyedHash;
  newId?: () => string;
  /** The receipt clock (ms): an event's time when it carries none, and the bound on times ahead of it. */
  now?: () => number;
};

/** One payment event as recorded: its order, what it says, whether it was new and now decides the state. */
export type RecordedPayment = PaymentRecorded & { referenceId: string; kind: PaymentKind };

/**
 * The same event, whoever received it and however often: what it says of the payment and when (never
 * the receipt time, the notification id or the customer, which copies of one event need not share).
 */
function eventKeyOf(event: PaymentEvent): string {
  const said = [event.referenceId, event.status, event.at, event.updatedAt, event.facts];
  return createHash('sha256').update(JSON.stringify(said)).digest('base64url');
}

/**
 * WhatsApp Pay events from Kaleyra's payment callbacks, per workspace and order reference: each once
 * (Kaleyra retries, and two replicas may both receive one), the order's payment decided by the events'
 * own times. Read by the order's thread, its history and the cancel check; never sent to the customer.
 */
export function createPayments(deps: PaymentsDeps) {
  const newId = deps.newId ?? randomUUID;
  const now = deps.now ?? Date.now;

  /** The customer's number as agents type it (India has no aliases), kept only as hash and mask. */
  function customerOf(whatsAppId: string | undefined) {
    if (whatsAppId === undefined) return { customerHash: undefined, customerMasked: undefined };
    const number = chooseNumber(numbersOfWhatsAppId(whatsAppId), undefined);
    if (validPhoneNumber(number) !== number) return { customerHash: undefined, customerMasked: undefined };
    return {
      customerHash: deps.keyedHash(HASH_PURPOSES.customerNumber, number),
      customerMasked: maskPhoneNumber(number),
    };
  }

  return {
    async record(workspaceId: string, events: readonly PaymentEvent[]): Promise<RecordedPayment[]> {
      const recorded: RecordedPayment[] = [];
      for (const event of events) {
        const kind = kindOf(event);
        const result = await deps.store.record({
          id: newId(),
          workspaceId,
          referenceId: event.referenceId,
          eventKey: eventKeyOf(event),
          kind,
          status: event.status,
          facts: event.facts,
          ...customerOf(event.customer),
          at: eventTimeOf(event, new Date(now())),
        });
        recorded.push({ ...result, referenceId: event.referenceId, kind });
      }
      return recorded;
    },

    /** The order's payment now (by its events' times); undefined when no payment was heard of. */
    stateOf(workspaceId: string, referenceId: string): Promise<PaymentState | undefined> {
      return deps.store.stateOf(workspaceId, referenceId);
    },

    /** The order's payment events for history, newest first (late ones marked `applied: false`). */
    eventsOf(workspaceId: string, referenceId: string, limit = 20): Promise<PaymentEventView[]> {
      return deps.store.eventsOf(workspaceId, referenceId, limit);
    },
  };
}

export type Payments = ReturnType<typeof createPayments>;
