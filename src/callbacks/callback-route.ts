import type { IncomingMessage, ServerResponse } from 'node:http';
import { DESCRIBED_DELIVERY_CODES, deliveryFailureCode } from '../describe/describe-delivery-failure.ts';
import { CALLBACKS_PATH } from '../domain/callback-url.ts';
import { type DeliveryReport, readDeliveryStatus } from '../domain/delivery-state.ts';
import { answer, type Route } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import { boundedLabel, type Metrics } from '../metrics.ts';
import type { CallbackCredentials } from '../services/callback-credentials.ts';
import type { DeliveryStatusService } from '../services/delivery-status.ts';
import { within } from '../within.ts';
import { readBasicAuth } from './basic-auth.ts';
import { readCallbackBody, readCallbackQuery } from './parse-callback.ts';
import { readBoundedBody } from './read-body.ts';

export { CALLBACKS_PATH };
/** Kaleyra's callbacks are a few kilobytes; anything this large is not one. */
export const CALLBACK_BODY_LIMIT_BYTES = 1024 * 1024;
/** Kaleyra must hear back within a second; a slower database gets a 503 (the callback is idempotent). */
export const CALLBACK_ANSWER_BUDGET_MS = 900;

export type CallbackRouteDeps = {
  credentials: Pick<CallbackCredentials, 'verify' | 'noteCallback'>;
  deliveryStatus: Pick<DeliveryStatusService, 'record'>;
  /** Told, after Kaleyra has been answered, which attempts now look different; never awaited. */
  onChanged: (workspaceId: string, attemptIds: readonly string[]) => void;
  metrics: Pick<Metrics, 'callbackRequests' | 'deliveryStates' | 'whatsappErrors'>;
  logger: Logger;
};

const UNAUTHORIZED = { 'www-authenticate': 'Basic realm="orderstatus callbacks", charset="UTF-8"' };

/**
 * Kaleyra's WhatsApp status callbacks (POST with JSON, or GET with query parameters), authenticated
 * per workspace with HTTP Basic. The journal is written before the answer; Slack is told only after it,
 * so a slow or failing Slack never delays or fails a callback.
 */
export function createCallbackRoute(deps: CallbackRouteDeps): Route {
  const { logger, metrics } = deps;
  const count = (result: string) => metrics.callbackRequests.inc({ result });
  const refuse: Refuse = (res, status, reason, headers = {}) => {
    logger.warn({ status, reason }, `refused a request to ${CALLBACKS_PATH}`);
    count(REFUSALS[status] ?? 'bad_request');
    answer(res, status, reason, headers);
    return undefined;
  };
  const unavailable = (res: ServerResponse) => {
    count('unavailable');
    answer(res, 503, 'Try again', { 'retry-after': '5' });
  };

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
    const reports = await readReports(req, res, refuse);
    if (!reports) return;
    deps.credentials.noteCallback(workspaceId);
    const recorded = await within(
      deps.deliveryStatus.record(workspaceId, reports),
      CALLBACK_ANSWER_BUDGET_MS,
    ).catch((error: unknown) => {
      logger.warn({ err: error, workspace: workspaceId }, 'could not record a callback');
      return 'failed' as const;
    });
    if (recorded === undefined || recorded === 'failed') {
      if (recorded === undefined)
        logger.warn({ workspace: workspaceId }, 'a callback took over the answer budget');
      return unavailable(res);
    }
    answer(res, 200, 'OK');
    count(recorded.unknown > 0 ? 'unknown_id' : 'ok');
    countStates(metrics, reports);
    if (recorded.unknown > 0) {
      logger.debug(
        { workspace: workspaceId, unknown: recorded.unknown },
        'callback for a message this workspace did not send here (another tool on the number?)',
      );
    }
    if (recorded.changed.length > 0) deps.onChanged(workspaceId, recorded.changed);
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

type Refuse = (
  res: ServerResponse,
  status: number,
  reason: string,
  headers?: Record<string, string>,
) => undefined;

/** The request's reports, or undefined when it has been answered (too large, not JSON, not a callback). */
async function readReports(
  req: IncomingMessage,
  res: ServerResponse,
  refuse: Refuse,
): Promise<DeliveryReport[] | undefined> {
  if (req.method !== 'POST') {
    return readCallbackQuery(new URL(req.url ?? '/', 'http://localhost').searchParams);
  }
  const body = await readBoundedBody(req, CALLBACK_BODY_LIMIT_BYTES);
  if (body === 'too large') return refuse(res, 413, 'Body too large', { connection: 'close' });
  if (body === 'unreadable') return refuse(res, 400, 'Body could not be read');
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return refuse(res, 400, 'Body is not JSON');
  }
  const parsed = readCallbackBody(json);
  if (!parsed.ok) return refuse(res, 400, `Not a Kaleyra status callback (${parsed.issue})`);
  return parsed.reports;
}
