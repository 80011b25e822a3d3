import type { IncomingMessage as HttpRequest } from 'node:http';
import type { DeliveryReport } from '../domain/delivery-state.ts';
import type { CallbackEvents } from '../domain/incoming-message.ts';
import { readCallbackBody, readCallbackQuery } from './parse-callback.ts';
import { readIncomingBody } from './parse-incoming.ts';
import { readIncomingQuery } from './parse-incoming-query.ts';
import { readBoundedBody } from './read-body.ts';

/** Kaleyra's callbacks are a few kilobytes; anything this large is not one. */
export const CALLBACK_BODY_LIMIT_BYTES = 1024 * 1024;

/** What one callback request carried, or why it is refused (status and reason for the answer). */
export type ReadCallback =
  | { ok: true; events: CallbackEvents<DeliveryReport>; skipped: number; shape: string | undefined }
  | { ok: false; status: 400 | 413; reason: string };

/**
 * Tells the kinds of callback apart by what they carry, not by where they come from: one Kaleyra
 * profile (or several on the same URL) may send status callbacks, customers' messages and account
 * events alike. A GET carries a status (`status`) or a customer's message (`from` / `mobile`).
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
    events.reports = readCallbackQuery(query);
    const message = events.reports.length === 0 ? readIncomingQuery(query, now) : undefined;
    if (message) events.messages.push(message);
    return { ok: true, events, skipped: 0, shape: shapeOf(events, [...query.keys()]) };
  }
  const body = await readBoundedBody(req, CALLBACK_BODY_LIMIT_BYTES);
  if (body === 'too large') return { ok: false, status: 413, reason: 'Body too large' };
  if (body === 'unreadable') return { ok: false, status: 400, reason: 'Body could not be read' };
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'Body is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, status: 400, reason: 'Not a Kaleyra callback (the body is not a JSON object)' };
  }
  const statuses = readCallbackBody(json);
  if (!statuses.ok) return { ok: false, status: 400, reason: `Not a Kaleyra callback (${statuses.issue})` };
  events.reports = statuses.reports;
  const incoming = readIncomingBody(json as Record<string, unknown>, now);
  events.messages = incoming.messages;
  events.templateEvents = incoming.templateEvents;
  events.qualityEvents = incoming.qualityEvents;
  return {
    ok: true,
    events,
    skipped: incoming.skipped,
    shape: shapeOf(events, Object.keys(json).slice(0, 10)),
  };
}

/** For the log: the top-level keys of a callback that carried nothing the app knows (never the values). */
function shapeOf(events: CallbackEvents<DeliveryReport>, keys: string[]): string | undefined {
  const empty =
    events.reports.length +
      events.messages.length +
      events.templateEvents.length +
      events.qualityEvents.length ===
    0;
  return empty ? keys.map((key) => key.slice(0, 40)).join(',') : undefined;
}
