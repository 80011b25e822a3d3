import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, HTTPModuleFunctions, type Receiver } from '@slack/bolt';
import type { Route } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { interactionKindOf } from './observe-slack.ts';
import { readSlackRequest } from './request-guard.ts';

/** Slack never sends a command or interaction anywhere near this; anything larger is not from Slack. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const SLACK_EVENTS_PATH = '/slack/events';

export type SlackReceiver = Receiver & { route: Route };

/**
 * Bolt's extension point for transports, used so that the process's one router owns every path (Bolt's
 * HTTPReceiver routes on its own and answers 404s of its own) and each request is read, verified and
 * parsed once. Every request gets a quick answer:
 * - refused by the request guard: 401/413/400 at once;
 * - no listener acknowledged it (an action, shortcut or command nobody registered): 200 as soon as
 *   Bolt has run the listeners, never Bolt's 3 s "unhandled request" 404, and with no list of known ids;
 * - Bolt threw on a signed but malformed payload: 400, the sender's fault, never a 500.
 */
export function createSlackReceiver(options: {
  signingSecret: string;
  logger: Logger;
  metrics: Pick<Metrics, 'ackSeconds' | 'commands' | 'secondsSince'>;
}): SlackReceiver {
  const { logger, metrics } = options;
  let app: App | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const body = await readSlackRequest(req, res, {
      signingSecret: options.signingSecret,
      bodyLimit: BODY_LIMIT_BYTES,
      onRefused: (status, reason) =>
        logger.warn({ status, reason }, `refused a request to ${SLACK_EVENTS_PATH}`),
    });
    if (!body) return;
    if (body.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);

    const kind = interactionKindOf(body);
    if (kind) metrics.commands.inc({ kind });
    let acknowledged = false;
    const ack = async (response?: unknown) => {
      if (acknowledged) return;
      acknowledged = true;
      metrics.ackSeconds.observe(metrics.secondsSince(started));
      HTTPModuleFunctions.buildContentResponse(res, response);
    };
    try {
      const retryNum = HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req);
      const retryReason = HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req);
      await app?.processEvent({
        body,
        ack,
        ...(retryNum === undefined ? {} : { retryNum }),
        ...(retryReason === undefined ? {} : { retryReason }),
      });
      await ack();
    } catch (error) {
      logger.warn({ err: error }, 'could not process a Slack request');
      if (!acknowledged && !res.headersSent) {
        acknowledged = true;
        HTTPModuleFunctions.buildNoBodyResponse(res, 400);
      }
    }
  }

  return {
    init(bolt) {
      app = bolt;
    },
    // The HTTP server belongs to server.ts; this receiver only handles what the router gives it.
    start: async () => undefined,
    stop: async () => undefined,
    route: { method: 'POST', path: SLACK_EVENTS_PATH, handle },
  };
}
