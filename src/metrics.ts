import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics, one registry per process (no module-level default registry, so
 * tests and the CLI each get their own). No label ever identifies a customer, an agent, a workspace or
 * a secret: labels are kinds, outcomes and codes, and codes outside the known sets are counted as
 * `other`, so a misbehaving peer cannot grow the number of series.
 */
export type Metrics = ReturnType<typeof createMetrics>;

const SECONDS_FAST = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const SECONDS_SLOW = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];

/** Codes a label may carry as they are: Kaleyra's documented ones and ours; anything else is `other`. */
export const KNOWN_SEND_CODES = new Set([
  'WA202',
  'RBC001',
  'WA401',
  'WA400',
  'WA500',
  'E110',
  'WA-401',
  'WAV2101',
  'TIMEOUT',
  'NETWORK',
  'BAD_RESPONSE',
  'NOT_CONFIGURED',
  'INVALID_INPUT',
  'STORAGE_UNAVAILABLE',
  'CREDENTIALS_UNREADABLE',
  'DUPLICATE',
  'RATE_LIMIT_UNAVAILABLE',
  'INTERNAL',
  'BUTTON_USED',
  'BUTTON_EXPIRED',
  'BUTTON_NOT_VALID_HERE',
  'OPTED_OUT',
  'TEMPLATE_PAUSED',
  'NUMBER_FLAGGED',
  'WINDOW_CLOSED',
]);

/** A label value from an open set, bounded: known values as they are, the rest `other`. */
export function boundedLabel(value: string | number | undefined, known: ReadonlySet<string>): string {
  const text = value === undefined ? 'none' : String(value);
  return known.has(text) ? text : 'other';
}

/** What a `pg` pool reports about itself. */
export type PoolFigures = { totalCount: number; idleCount: number; waitingCount: number };

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  let pool: PoolFigures | undefined;
  let pingDatabase: (() => Promise<boolean>) | undefined;
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <Label extends string = never>(
    name: string,
    help: string,
    labelNames: readonly Label[] = [],
  ) => new Counter<Label>({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, buckets, registers });
  return {
    registry,
    commands: counter(
      'orderstatus_commands_total',
      'Slack requests handled, by kind (send, form, help, config, history, bulk, shortcut, home, workflow, button).',
      ['kind'],
    ),
    sends: counter(
      'orderstatus_sends_total',
      "Send attempts by outcome (sent, failed, unknown, duplicate, refused) and Kaleyra's or our code.",
      ['outcome', 'code'],
    ),
    duplicatesStopped: counter(
      'orderstatus_duplicates_stopped_total',
      'Updates the duplicate guard did not send again.',
    ),
    deliveryStates: counter(
      'orderstatus_delivery_states_total',
      'Delivery states applied from Kaleyra status callbacks (sent, delivered, read, failed, not-sent).',
      ['state'],
    ),
    whatsappErrors: counter(
      'orderstatus_whatsapp_errors_total',
      "WhatsApp (Meta) error codes of failed deliveries; codes outside the documented table are 'other'.",
      ['code'],
    ),
    callbackRequests: counter(
      'orderstatus_callback_requests_total',
      'Kaleyra status callbacks by result (ok, unauthorized, bad_request, too_large, unknown_id, unavailable).',
      ['result'],
    ),
    incomingMessages: counter(
      'orderstatus_incoming_messages_total',
      "Customers' WhatsApp messages recorded, by WhatsApp type (text, button, interactive, image, document, audio, video, sticker, location, contacts, reaction, unsupported, other); retried callbacks are not counted again.",
      ['type'],
    ),
    payments: counter(
      'orderstatus_payments_total',
      "WhatsApp Pay events recorded from Kaleyra's payment callbacks, by status (captured, pending, failed, refunded, other); retried callbacks and copies another replica recorded are not counted again.",
      ['status'],
    ),
    conversationsTaken: counter(
      'orderstatus_conversations_taken_total',
      "Customers' conversations taken by an agent, by how (took: nobody had it; took_over: from another agent); a click that changed nothing is not counted.",
      ['how'],
    ),
    conversationsResolved: counter(
      'orderstatus_conversations_resolved_total',
      "Customers' conversations resolved; a second Resolve of the same conversation is not counted.",
    ),
    conversationsReopened: counter(
      'orderstatus_conversations_reopened_total',
      "Resolved conversations the customer's next message reopened.",
    ),
    replies: counter(
      'orderstatus_replies_total',
      "Agents' session-text replies by outcome (sent, failed, unknown, duplicate, refused).",
      ['outcome'],
    ),
    sendsRefused: counter(
      'orderstatus_sends_refused_total',
      'Sends refused before Kaleyra by the consent and quality guard, by reason (opted_out, template_paused, number_flagged, window_closed).',
      ['reason'],
    ),
    bulkRows: counter(
      'orderstatus_bulk_rows_total',
      'Bulk CSV rows by outcome (sent, already_sent, failed, unknown, canceled).',
      ['outcome'],
    ),
    slackApiErrors: counter(
      'orderstatus_slack_api_errors_total',
      "Slack Web API calls that failed, by method and Slack's error code (or http_<status>, network).",
      ['method', 'code'],
    ),
    ackSeconds: histogram(
      'orderstatus_ack_seconds',
      'From a Slack request arriving to its acknowledgement.',
      SECONDS_FAST,
    ),
    kaleyraSeconds: histogram(
      'orderstatus_kaleyra_request_seconds',
      "Kaleyra's answer time for one send (the POST), whatever the answer.",
      SECONDS_SLOW,
    ),
    endToEndSeconds: histogram(
      'orderstatus_send_end_to_end_seconds',
      'From the send starting (after the ack) to its outcome being posted in Slack.',
      SECONDS_SLOW,
    ),
    rateLimitWaitSeconds: histogram(
      'orderstatus_rate_limit_wait_seconds',
      "Time a send waited for its business number's rate budget.",
      [0, 0.0125, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    databasePool: new Gauge({
      name: 'orderstatus_database_pool_connections',
      help: 'Database pool connections: total, idle, and clients waiting for one.',
      labelNames: ['state'] as const,
      registers,
      // Read on every scrape: the gauge follows the pool without a timer of its own.
      collect() {
        if (!pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    }),
    /** The pool the database gauge reports. */
    watchPool(figures: PoolFigures): void {
      pool = figures;
    },
    databaseUp: new Gauge({
      name: 'orderstatus_database_up',
      help: 'Whether the database answered when Prometheus scraped (1) or not (0).',
      registers,
      // Asked on every scrape, with the health check's own short timeout.
      async collect() {
        if (pingDatabase) this.set((await pingDatabase()) ? 1 : 0);
      },
    }),
    /** How the database gauge asks whether the database answers (never throws). */
    watchDatabase(ping: () => Promise<boolean>): void {
      pingDatabase = ping;
    },
    /** Seconds since `started` (from performance.now()), for a histogram's observe(). */
    secondsSince(started: number): number {
      return (performance.now() - started) / 1000;
    },
  };
}
