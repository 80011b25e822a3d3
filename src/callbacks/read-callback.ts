import type { IncomingMessage as HttpRequest } from 'node:http';
import type { DeliveryReport } from '../domain/delivery-state.ts';
import type { CallbackEvents } from '../domain/incoming-message.ts';
import { changesOf, itemsIn } from './envelopes.ts';
import { readCallbackBody, readCallbackQuery } from './parse-callback.ts';
import { readIncomingBody } from './parse-incoming.ts';
import { readIncomingQuery, readQualityQuery } from './parse-incoming-query.ts';
import { type ReadPayments, readPaymentBody, readPaymentQuery } from './parse-payment.ts';
import { readBoundedBody } from './read-body.ts';

/** Kaleyra's callbacks are a few kilobytes; anything this large is not one. */
export const CALLBACK_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Kaleyra sends one customer's message or status per callback, Meta a few at most: a body with more
 * messages, statuses and events than this is refused whole (413) before anything is recorded, so a
 * retry repeats no work; up to this many are recorded whole within the answer budget.
 */
export const CALLBACK_ITEMS_MAX = 20;

/**
 * What one callback request carried, or why it is refused (status and reason for the answer).
 * `payments`: WhatsApp Pay events, and how many payment callbacks named no order that could be read.
 */
export type ReadCallback =
  | {
      ok: true;
      events: CallbackEvents<DeliveryReport>;
      payments: ReadPayments;
      skipped: number;
      shape: string | undefined;
    }
  | { ok: false; status: 400 | 413; reason: string };

const TOO_MANY = `More than ${CALLBACK_ITEMS_MAX} messages, statuses or events in one callback`;

/**
 * Tells the kinds of callback apart by what they carry, not by where they come from: one Kaleyra
 * profile (or several on the same URL) may send status callbacks, customers' messages and account
 * events alike. A GET carries a status (`status`), a customer's message (`from` / `mobile`) or a
 * number's quality update (`event` with `display_phone_number`).
 */
export async function readCallbackRequest(req: HttpRequest, now = new Date()): Promise<ReadCallback> {
  const events: CallbackEvents<DeliveryReport> = {
    reports: [],
    messages: [],
    templateEvents: [],
    qualityEvents: [],
  };
  if (req.method !== 'POST') {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const payments = readPaymentQuery(query);
    // A payment's `status` (captured) is no delivery state, and its `phone_number` no sender.
    if (payments.payments.length + payments.skipped > 0) {
      return { ok: true, events, payments, skipped: 0, shape: undefined };
    }
    events.reports = readCallbackQuery(query);
    const message = events.reports.length === 0 ? readIncomingQuery(query, now) : undefined;
    if (message) events.messages.push(message);
    const quality = events.reports.length === 0 && !message ? readQualityQuery(query) : undefined;
    if (quality) events.qualityEvents.push(quality);
    return { ok: true, events, payments, skipped: 0, shape: shapeOf(events, payments, [...query.keys()]) };
  }
  const raw = await readBoundedBody(req, CALLBACK_BODY_LIMIT_BYTES);
  if (raw === 'too large') return { ok: false, status: 413, reason: 'Body too large' };
  if (raw === 'unreadable') return { ok: false, status: 400, reason: 'Body could not be read' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'Body is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, status: 400, reason: 'Not a Kaleyra callback (the body is not a JSON object)' };
  }
  const body = json as Record<string, unknown>;
  const changes = changesOf(body);
  if (itemsIn(changes) > CALLBACK_ITEMS_MAX) return { ok: false, status: 413, reason: TOO_MANY };
  const statuses = readCallbackBody(body, changes);
  if (!statuses.ok) return { ok: false, status: 400, reason: `Not a Kaleyra callback (${statuses.issue})` };
  events.reports = statuses.reports;
  const incoming = readIncomingBody(body, now, changes);
  events.messages = incoming.messages;
  events.templateEvents = incoming.templateEvents;
  events.qualityEvents = incoming.qualityEvents;
  const payments = readPaymentBody(body, changes);
  return {
    ok: true,
    events,
    payments,
    skipped: incoming.skipped,
    shape: shapeOf(events, payments, Object.keys(json).slice(0, 10)),
  };
}

/** For the log: the top-level keys of a callback that carried nothing the app knows (never the values). */
function shapeOf(
  events: CallbackEvents<DeliveryReport>,
  payments: ReadPayments,
  keys: string[],
): string | undefined {
  const empty =
    events.reports.length +
      events.messages.length +
      events.templateEvents.length +
      events.qualityEvents.length +
      payments.payments.length +
      payments.skipped ===
    0;
  return empty ? keys.map((key) => key.slice(0, 40)).join(',') : undefined;
}
