/**
 * Customers' messages and account events as the shared document (kaleyra-whatsapp-incoming-and-events.md)
 * shows them: the JSON below is the document's, verbatim, with only its made-up values (and the parts
 * each message type adds) replaced by the test's.
 */

export type IncomingValues = {
  /** The customer, WhatsApp's spelling (no `+`), e.g. 919876543210. */
  from?: string;
  name?: string;
  /** `messages[].id`: this incoming message's wamid. */
  id: string;
  /** Unix seconds, as a string. */
  timestamp?: string;
  /** `context.id`: the wamid of our message the customer replied to (left out when undefined). */
  contextId?: string;
  /** `extra_info.reply_to`: Kaleyra's id of the message replied to (left out when undefined). */
  replyTo?: string;
  mediaUrl?: string;
  /** The message's type and its own object, e.g. `{ type: 'text', text: { body: '…' } }`. */
  message?: Record<string, unknown>;
};

/** The document's v2 POST payload of a customer's message. */
export function incomingPayload(values: IncomingValues): string {
  const from = values.from ?? '919876543210';
  const message = values.message ?? { type: 'text', text: { body: 'Where is my parcel?' } };
  const context =
    values.contextId === undefined
      ? ''
      : `"context": { "from": "919900000001", "id": ${JSON.stringify(values.contextId)} },`;
  const extras = Object.entries(message)
    .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(',\n        ');
  return `{
  "meta_object": {
    "value": {
      "messaging_product": "whatsapp",
      "metadata": { "display_phone_number": "919900000001", "phone_number_id": "104000000000060" },
      "contacts": [{ "profile": { "name": ${JSON.stringify(values.name ?? 'Samuel')} }, "wa_id": ${JSON.stringify(from)} }],
      "messages": [{
        ${context}
        "from": ${JSON.stringify(from)},
        "id": ${JSON.stringify(values.id)},
        "timestamp": ${JSON.stringify(values.timestamp ?? String(Math.floor(Date.now() / 1000)))},
        ${extras}
      }]
    },
    "field": "messages"
  },
  "extra_info": {
    "media_url": ${JSON.stringify(values.mediaUrl ?? 'https://media.kaleyra.example/stored-by-kaleyra.jpg')},
    "ref": "…", "ref1": "…", "ref2": "…",
    ${values.replyTo === undefined ? '' : `"reply_to": ${JSON.stringify(values.replyTo)},`}
    "trace_id": "…", "waba_id": "120000000000001"
  }
}`;
}

/** A GET incoming-message profile's query (the document's variables). */
export function incomingQuery(values: Record<string, string>): string {
  return new URLSearchParams(values).toString();
}

/** Meta's `message_template_status_update`, in one of the three envelopes the document lists. */
export function templateStatusPayload(
  values: { event: string; name: string; language?: string; reason?: string; time?: number },
  envelope: 'meta_object' | 'bare' | 'entry' = 'meta_object',
): string {
  const change = {
    field: 'message_template_status_update',
    value: {
      event: values.event,
      message_template_id: 594425479261596,
      message_template_name: values.name,
      message_template_language: values.language ?? 'en',
      reason: values.reason ?? 'NONE',
    },
  };
  return JSON.stringify(wrap(change, envelope, values.time));
}

/** Meta's `phone_number_quality_update`. */
export function numberQualityPayload(
  values: { event: string; number?: string; limit?: string; time?: number },
  envelope: 'meta_object' | 'bare' | 'entry' = 'meta_object',
): string {
  const change = {
    field: 'phone_number_quality_update',
    value: {
      display_phone_number: values.number ?? '919876500000',
      event: values.event,
      current_limit: values.limit ?? 'TIER_1K',
    },
  };
  return JSON.stringify(wrap(change, envelope, values.time));
}

/**
 * `time` (Unix seconds, when the event happened): Meta's `entry[].time`; in Kaleyra's envelopes, where
 * Kaleyra documents none, a `time` beside the change (the receiver reads either).
 */
function wrap(change: object, envelope: 'meta_object' | 'bare' | 'entry', time?: number): object {
  const at = time === undefined ? {} : { time };
  if (envelope === 'bare') return { ...change, ...at };
  if (envelope === 'entry')
    return {
      object: 'whatsapp_business_account',
      entry: [{ id: '120000000000001', ...at, changes: [change] }],
    };
  return { meta_object: { ...change, ...at }, extra_info: { waba_id: '120000000000001' } };
}
