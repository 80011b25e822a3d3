import type { IncomingMessage, ServerResponse } from 'node:http';
import { DESCRIBED_DELIVERY_CODES, deliveryFailureCode } from '../describe/describe-delivery-failure.ts';
import { CALLBACKS_PATH } from '../domain/callback-url.ts';
import { type DeliveryReport, readDeliveryStatus } from '../domain/delivery-state.ts';
import { answer, type Route } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import { boundedLabel, type Metrics } from '../metrics.ts';
import type { AccountChange, AccountHealth } from '../services/account-health.ts';
import type { CallbackCredentials } from '../services/callback-credentials.ts';
import type { DeliveryStatusService, RecordedReports } from '../services/delivery-status.ts';
import type { IncomingMessages, RecordedIncoming } from '../services/incoming-messages.ts';
import type { Payments, RecordedPayment } from '../services/payments.ts';
import { within } from '../within.ts';
import { readBasicAuth } from './basic-auth.ts';
import { CALLBACK_BODY_LIMIT_BYTES, readCallbackRequest } from './read-callback.ts';

export { CALLBACK_BODY_LIMIT_BYTES, CALLBACKS_PATH };
/** Kaleyra must hear back within a second; a slower database gets a 503 (the callback is idempotent). */
export const CALLBACK_ANSWER_BUDGET_MS = 900;

export type CallbackRouteDeps = {
  credentials: Pick<CallbackCredentials, 'verify' | 'noteCallback'>;
  deliveryStatus: Pick<DeliveryStatusService, 'record'>;
  incoming: Pick<IncomingMessages, 'record'>;
  accountHealth: Pick<AccountHealth, 'record'>;
  /** WhatsApp Pay events, recorded per order (never sent to the customer). */
  payments: Pick<Payments, 'record'>;
  /** Told, after Kaleyra has been answered, which attempts now look different; never awaited. */
  onChanged: (workspaceId: string, attemptIds: readonly string[]) => void;
  /** Told, after the answer, of customers' messages recorded for the first time (to show them); never awaited. */
  onIncoming: (workspaceId: string, recorded: readonly RecordedIncoming[]) => void;
  /**
   * Told, after the answer, of every account event recorded, with the templates and numbers whose state
   * changed (maybe none: the same event reaching two replicas changes the state once, and the replica
   * that did it may have found the change locked by the other's write); never awaited.
   */
  onAccountChanged: (workspaceId: string, changes: readonly AccountChange[]) => void;
  metrics: Pick<
    Metrics,
    'callbackRequests' | 'deliveryStates' | 'whatsappErrors' | 'incomingMessages' | 'payments'
  >;
  logger: Logger;
};

const UNAUTHORIZED = { 'www-authenticate': 'Basic realm="orderstatus callbacks", charset="UTF-8"' };

type Recorded = {
  reports: RecordedReports;
  incoming: RecordedIncoming[];
  account: AccountChange[];
  payments: RecordedPayment[];
};
type Read = Extract<Awaited<ReturnType<typeof readCallbackRequest>>, { ok: true }>;

/**
 * Every callback Kaleyra sends (POST with JSON, or GET with query parameters), authenticated per
 * workspace with HTTP Basic: status callbacks, customers' messages and account events alike, told apart
 * by their body. Everything is written before the answer; Slack is told only after it, so a slow or
 * failing Slack never delays or fails a callback.
 */
export function createCallbackRoute(deps: CallbackRouteDeps): Route {
  const { logger, metrics } = deps;
  const count = (result: string) => metrics.callbackRequests.inc({ result });
  const refuse = (
    res: ServerResponse,
    status: number,
    reason: string,
    headers: Record<string, string> = {},
  ) => {
    logger.warn({ status, reason }, `refused a request to ${CALLBACKS_PATH}`);
    count(REFUSALS[status] ?? 'bad_request');
    answer(res, status, reason, headers);
  };
  const unavailable = (res: ServerResponse) => {
    count('unavailable');
    answer(res, 503, 'Try again', { 'retry-after': '5' });
  };

  async function record(workspaceId: string, read: Read): Promise<Recorded> {
    const { events } = read;
    const [reports, incoming, account, payments] = await Promise.all([
      deps.deliveryStatus.record(workspaceId, events.reports),
      events.messages.length > 0 ? deps.incoming.record(workspaceId, events.messages) : [],
      events.templateEvents.length + events.qualityEvents.length > 0
        ? deps.accountHealth.record(workspaceId, events)
        : [],
      read.payments.payments.length > 0 ? deps.payments.record(workspaceId, read.payments.payments) : [],
    ]);
    return { reports, incoming, account, payments };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > CALLBACK_BODY_LIMIT_BYTES) {
      return refuse(res, 413, 'Body too large', { connection: 'close' });
    }
    const login = readBasicAuth(req.headers.authorization);
    let workspaceId: string | undefined;
    try {
      workspaceId = login && (await deps.credentials.verify(login.username, login.password));
    } catch (error) {
      logger.warn({ err: error }, 'could not check callback credentials');
      return unavailable(res);
    }
    if (!workspaceId) {
      const close = req.method === 'POST' ? { connection: 'close' } : {};
      return refuse(res, 401, 'Missing or wrong credentials', { ...UNAUTHORIZED, ...close });
    }
    const read = await readCallbackRequest(req);
    if (!read.ok) {
      return refuse(res, read.status, read.reason, read.status === 413 ? { connection: 'close' } : {});
    }
    deps.credentials.noteCallback(workspaceId);
    const recorded = await within(record(workspaceId, read), CALLBACK_ANSWER_BUDGET_MS).catch(
      (error: unknown) => {
        logger.warn({ err: error, workspace: workspaceId }, 'could not record a callback');
        return 'failed' as const;
      },
    );
    if (recorded === undefined || recorded === 'failed') {
      if (recorded === undefined)
        logger.warn({ workspace: workspaceId }, 'a callback took over the answer budget');
      return unavailable(res);
    }
    answer(res, 200, 'OK');
    count(recorded.reports.unknown > 0 ? 'unknown_id' : 'ok');
    report(workspaceId, read, recorded);
  }

  /** After the answer: counts, logs, and what Slack should show now. */
  function report(workspaceId: string, read: Read, recorded: Recorded): void {
    countStates(metrics, read.events.reports);
    const fresh = recorded.incoming.filter((message) => message.inserted);
    for (const message of fresh) metrics.incomingMessages.inc({ type: message.type });
    // Each event once, whichever replica recorded it and however often Kaleyra sent it.
    for (const payment of recorded.payments)
      if (payment.inserted) metrics.payments.inc({ status: payment.kind });
    if (read.payments.skipped > 0) {
      logger.warn(
        { workspace: workspaceId, skipped: read.payments.skipped },
        'a payment callback named no order reference that could be read (missing, malformed or over 35 characters); answered 200 and ignored',
      );
    }
    if (recorded.reports.unknown > 0) {
      logger.debug(
        { workspace: workspaceId, unknown: recorded.reports.unknown },
        'callback for a message this workspace did not send here (another tool on the number?)',
      );
    }
    if (read.skipped > 0) {
      logger.warn(
        { workspace: workspaceId, skipped: read.skipped },
        "a callback carried customers' messages that could not be read (no id or sender)",
      );
    }
    if (read.shape !== undefined) {
      logger.info(
        { workspace: workspaceId, keys: read.shape },
        'a callback carried nothing this app knows; answered 200 and ignored',
      );
    }
    if (recorded.reports.changed.length > 0) deps.onChanged(workspaceId, recorded.reports.changed);
    if (fresh.length > 0) deps.onIncoming(workspaceId, fresh);
    if (read.events.templateEvents.length + read.events.qualityEvents.length > 0)
      deps.onAccountChanged(workspaceId, recorded.account);
  }

  return { method: ['GET', 'POST'], path: CALLBACKS_PATH, handle };
}

/** The `result` label of a refused callback, by its status. */
const REFUSALS: Record<number, string> = { 401: 'unauthorized', 400: 'bad_request', 413: 'too_large' };

/** Each status reported (unknown words as `other`), and WhatsApp's code of each failure (bounded). */
function countStates(metrics: CallbackRouteDeps['metrics'], reports: readonly DeliveryReport[]): void {
  for (const report of reports) {
    const state = readDeliveryStatus(report.status) ?? 'other';
    metrics.deliveryStates.inc({ state });
    if (state === 'failed' || state === 'not_sent') {
      const code = deliveryFailureCode({ state, error: report.error });
      metrics.whatsappErrors.inc({ code: boundedLabel(code, DESCRIBED_DELIVERY_CODES) });
    }
  }
}
