import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App,
  type AppOptions,
  type Authorize,
  HTTPReceiver,
  type InstallationStore,
  SocketModeReceiver,
} from '@slack/bolt';
import type { ServerConfig } from './config.ts';
import type { Health } from './health.ts';
import { type Logger, toBoltLogger } from './logger.ts';
import type { Services } from './services/open-services.ts';
import { registerListeners } from './slack/listeners/register-listeners.ts';
import { guardSlackRequest } from './slack/request-guard.ts';

/**
 * Slack Web API calls are retried only where Slack says to: a 429 with Retry-After (the client has
 * already waited that long when it asks). Anything else, such as a dropped connection, may have been
 * delivered, and retrying it could post an outcome twice.
 */
const SLACK_RETRY_POLICY = {
  retries: 3,
  factor: 1,
  minTimeout: 0,
  maxTimeout: 0,
  onFailedAttempt: (error: Error) => {
    if (!/rate limit was exceeded/i.test(error.message)) throw error;
  },
};

/** Slack never sends a command or interaction anywhere near this; anything larger is not from Slack. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export const OAUTH_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'users:read'];

export type AppDeps = {
  config: ServerConfig;
  logger: Logger;
  services: Services;
  health: Health;
  installationStore?: InstallationStore;
};

export type BuiltApp = {
  app: App;
  /** Node request listener for the HTTP receiver (`/slack/events`, OAuth routes, `/healthz`). */
  requestListener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Socket Mode receiver to start, when configured. */
  socketMode: { start(): Promise<unknown>; stop(): Promise<unknown> } | undefined;
};

/** Builds the Bolt app from its dependencies; starting and stopping it is server.ts's job. */
export function createApp(deps: AppDeps): BuiltApp {
  const { config, logger } = deps;
  const boltLogger = toBoltLogger(logger);
  const { auth, transport } = config.slack;

  const oauth =
    auth.mode === 'oauth'
      ? {
          clientId: auth.clientId,
          clientSecret: auth.clientSecret,
          stateSecret: auth.stateSecret,
          scopes: OAUTH_SCOPES,
          ...(deps.installationStore ? { installationStore: deps.installationStore } : {}),
          installerOptions: {
            installPath: '/slack/install',
            redirectUriPath: '/slack/oauth_redirect',
            directInstall: true,
            // The code exchange (oauth.v2.access) goes to the same Slack API base as everything else.
            clientOptions: { slackApiUrl: config.slack.apiUrl },
          },
        }
      : undefined;

  const healthRoute = {
    path: '/healthz',
    method: ['GET'],
    handler: (req: IncomingMessage, res: ServerResponse) => void deps.health.handle(req, res),
  };

  let requestListener: BuiltApp['requestListener'];
  let socketMode: BuiltApp['socketMode'];
  let receiver: AppOptions['receiver'];
  if (transport.kind === 'http') {
    const http = new HTTPReceiver({
      signingSecret: transport.signingSecret,
      // guardSlackRequest verifies every POST to the endpoint before Bolt sees it; checking twice costs CPU on every ack.
      signatureVerification: false,
      endpoints: '/slack/events',
      logger: boltLogger,
      bodyLimit: BODY_LIMIT_BYTES,
      customRoutes: [healthRoute],
      ...(oauth ?? {}),
      // A signed but malformed payload is the sender's fault: answer 400, never 500.
      processEventErrorHandler: async ({ error, response }) => {
        logger.warn({ err: error }, 'could not process a Slack request');
        if (response.headersSent) return false;
        response.writeHead(400);
        response.end();
        return true;
      },
    });
    const dispatch = (req: IncomingMessage, res: ServerResponse) => {
      try {
        http.requestListener(req, res);
      } catch {
        // Unknown path (Bolt throws to defer routing).
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not found');
      }
    };
    const { signingSecret } = transport;
    requestListener = (req, res) => {
      if (req.method === 'POST' && pathOf(req) === '/slack/events') {
        const onRefused = (status: number, reason: string) =>
          logger.warn({ status, reason }, 'refused a request to /slack/events');
        guardSlackRequest(req, res, { signingSecret, bodyLimit: BODY_LIMIT_BYTES, onRefused }).then(
          (pass) => {
            if (pass) dispatch(req, res);
          },
          (error: unknown) => {
            logger.warn({ err: error }, 'could not read a request to /slack/events');
            if (!res.headersSent) res.writeHead(400).end();
          },
        );
        return;
      }
      dispatch(req, res);
    };
    receiver = http;
  } else {
    const socket = new SocketModeReceiver({
      appToken: transport.appToken,
      logger: boltLogger,
      // apps.connections.open goes to the configured Slack API base too.
      installerOptions: { clientOptions: { slackApiUrl: config.slack.apiUrl } },
    });
    socketMode = socket;
    receiver = socket;
  }

  // Single-workspace mode answers authorize itself so no `auth.test` round trip sits in front of an ack.
  const authorize: Authorize<boolean> | undefined =
    auth.mode === 'single' ? async () => ({ botToken: auth.botToken }) : undefined;

  const app = new App({
    receiver,
    logger: boltLogger,
    // No listener keeps conversation state; Bolt's default in-memory store would look it up (and build
    // a "Conversation not found" Error) on every request.
    convoStore: false,
    clientOptions: {
      slackApiUrl: config.slack.apiUrl,
      logger: boltLogger,
      retryConfig: SLACK_RETRY_POLICY,
      // A Web API call that hangs must not hold a send's outcome (or a drain) hostage.
      timeout: 10_000,
    },
    // In OAuth mode the receiver's installer authorizes from the installation store.
    ...(authorize ? { authorize } : {}),
  });

  // A signed request that no listener acknowledges (a body of no type Bolt knows, say) would wait
  // for Bolt's 3 s "unhandled request" 404: acknowledge it as soon as every listener is done.
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    let acknowledged = false;
    const ack: typeof event.ack = async (response) => {
      acknowledged = true;
      await event.ack(response);
    };
    await processEvent({ ...event, ack });
    if (!acknowledged) await event.ack();
  };

  app.error(async (error) => {
    // The one place an unexpected listener error is logged.
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  registerListeners(app, deps);
  return { app, requestListener, socketMode };
}

/** The request's path as Bolt routes it (an absolute-form target such as `http://host/slack/events` included). */
function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}
