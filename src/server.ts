// First: says which Node to use before anything that needs Node 24 loads.
import './require-node.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppDeps, BuiltApp } from './app.ts';
import { loadServerConfig, type ServerConfig } from './config.ts';
import { describeStartFailure } from './describe/describe-start-failure.ts';
import { SlackUnreachableError } from './errors/slack-unreachable-error.ts';
import { createHealth, HEALTH_PATH, type Health } from './http/health.ts';
import { answer, createRouter, pathOf, type Router } from './http/router.ts';
import { isMain } from './is-main.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMetrics } from './metrics.ts';
import type { Services } from './services/open-services.ts';
import { openStorage } from './services/open-storage.ts';

/** How long a SIGTERM waits for in-flight sends to finish and post their outcomes. */
export const DRAIN_TIMEOUT_MS = 25_000;

export type RunningServer = {
  url: string;
  port: number;
  config: ServerConfig;
  /** The running process's storage and send services (the CLI opens its own). */
  services: Services;
  /** The Slack app and route table being served. */
  app: BuiltApp;
  /** The process's one router (every HTTP path). */
  router: Router;
  /** Stops taking requests, finishes in-flight sends, closes the database. */
  stop(): Promise<void>;
};

export type StartOptions = {
  /** Install SIGTERM/SIGINT handlers that drain and exit (the real process); tests leave them off. */
  handleSignals?: boolean;
  logger?: Logger;
  /** Bulk worker tunings (tests: short leases and polls); production uses the defaults. */
  bulk?: AppDeps['bulk'];
  /** Customers' messages' post and sweeper tunings (tests). */
  conversation?: AppDeps['conversation'];
  /** The media route's clock and timeouts (tests). */
  media?: AppDeps['media'];
};

export async function startServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: StartOptions = {},
): Promise<RunningServer> {
  const config = loadServerConfig(env);
  const secrets = collectSecrets(config);
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets });

  // One registry per process: what GET /metrics serves.
  const metrics = createMetrics();
  let services: Services | undefined;
  const health = createHealth(async () => (services ? services.ping() : false));
  const router = createRouter((error, path) =>
    logger.error({ err: error, path }, 'a request handler failed'),
  );
  router.add(health.route);
  metrics.watchDatabase(health.databaseUp);

  // Listen first so `/healthz` answers 503 while the database and app come up.
  const server = await listen(config.port, router, health);
  const port = (server.address() as AddressInfo).port;

  // The database comes up (the embedded one: PGlite, on its own thread) while the app's modules load.
  const [opened, loaded] = await Promise.allSettled([
    openStorage(config, logger),
    Promise.all([import('./services/open-services.ts'), import('./app.ts')]),
  ]);
  let buildApp: typeof import('./app.ts').buildApp;
  try {
    if (opened.status === 'rejected') throw opened.reason;
    if (loaded.status === 'rejected') throw loaded.reason;
    const [{ openServices }, app] = loaded.value;
    buildApp = app.buildApp;
    services = await openServices(config, logger, { secrets, metrics, database: opened.value });
  } catch (error) {
    if (opened.status === 'fulfilled') await opened.value.close();
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  await reportStuckSends(services, logger);
  const built = buildApp({
    config,
    logger,
    services,
    metrics,
    bulk: options.bulk,
    conversation: options.conversation,
    media: options.media,
  });
  for (const route of built.routes) router.add(route);
  if (built.slack.socketMode) {
    try {
      await built.slack.socketMode.start();
    } catch (error) {
      await services.close();
      await new Promise((resolve) => server.close(resolve));
      if (error instanceof SlackUnreachableError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Socket Mode could not connect to Slack (${reason}): check SLACK_APP_TOKEN`);
    }
  }
  health.setState('ready');
  services.retention.start();
  built.bulkWorker.start();
  built.incomingSweeper.start();
  built.slack.announcer.start();
  logger.info(
    {
      port,
      slack: `${config.slack.auth.mode === 'single' ? 'single workspace' : 'OAuth (multi-workspace)'} over ${
        config.slack.transport.kind === 'http' ? 'HTTP' : 'Socket Mode'
      }`,
      database: services.databaseMode,
    },
    'orderstatus is ready',
  );

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      health.setState('draining');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const inFlight = services?.tasks.size ?? 0;
      if (inFlight > 0) logger.info({ inFlight }, 'draining in-flight sends');
      // Bulk rows being sent finish; the rest go back to the queue for another process.
      const [drained] = await Promise.all([
        services?.tasks.drain(DRAIN_TIMEOUT_MS) ?? true,
        stopWithin(built.bulkWorker.stop(), DRAIN_TIMEOUT_MS),
        stopWithin(built.incomingSweeper.stop(), DRAIN_TIMEOUT_MS),
      ]);
      if (!drained)
        logger.warn({ left: services?.tasks.size }, 'drain timed out; some outcomes were not posted');
      await built.slack.announcer.stop();
      if (built.slack.socketMode) await built.slack.socketMode.stop().catch(() => {});
      server.closeAllConnections();
      await closed;
      await services?.close();
      logger.info('orderstatus stopped');
    })();
    return stopping;
  }

  if (options.handleSignals) {
    // Stays installed until exit: with `process.once`, a second signal (npm forwarding the one the
    // whole process group already got, a Ctrl-C under `npm start`, an impatient orchestrator) hit
    // the default handler and killed the process mid-drain. SIGKILL is the way to force it. Not
    // close-with-grace: it exits on a second signal whatever its onSecondSignal does.
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        logger.info({ signal, inFlight: services?.tasks.size }, 'already shutting down; still draining');
        return;
      }
      signalled = true;
      logger.info({ signal }, 'shutting down');
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, onSignal);
  }

  return { url: `http://127.0.0.1:${port}`, port, config, services, app: built, router, stop };
}

/**
 * The HTTP server, serving the router. Until the app is ready (and again while draining) only
 * `/healthz` is routed; everything else gets a 503 so a load balancer retries elsewhere.
 */
async function listen(port: number, router: Router, health: Health): Promise<Server> {
  const server = createServer((req, res) => {
    if (health.state === 'ready' || pathOf(req) === HEALTH_PATH) return router.handle(req, res);
    answer(res, 503, health.state === 'draining' ? 'Shutting down' : 'Starting', { 'retry-after': '5' });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Waits for `stopping`, at most `ms` (rows still leased then are retaken by another process). */
async function stopWithin(stopping: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stopping, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Tells the operator about sends whose outcome was never written (each may have reached the customer). */
async function reportStuckSends(services: Services, logger: Logger): Promise<void> {
  try {
    const { count, attemptIds } = await services.journal.findStuckInFlight();
    if (count === 0) return;
    logger.warn(
      { count, attemptIds },
      `${count} send attempt(s) in the journal are stuck in flight: their outcome was never recorded, so each may have reached the customer (find them in the logs by attemptId, with their message_id when Kaleyra answered)`,
    );
  } catch (error) {
    logger.warn({ err: error }, 'could not check the journal for sends stuck in flight');
  }
}

/** Every configured secret, so the logger can scrub them from any text. */
function collectSecrets(config: ServerConfig): Set<string> {
  const secrets = new Set<string>();
  const { auth, transport } = config.slack;
  if (auth.mode === 'single') secrets.add(auth.botToken);
  else secrets.add(auth.clientSecret).add(auth.stateSecret);
  if (transport.signingSecret) secrets.add(transport.signingSecret);
  if (transport.kind === 'socket') secrets.add(transport.appToken);
  if (config.storage.encryptionKey) secrets.add(config.storage.encryptionKey);
  if (config.metricsToken) secrets.add(config.metricsToken);
  return secrets;
}

if (isMain(import.meta.url)) {
  startServer(process.env, { handleSignals: true }).catch((error: unknown) => {
    // Clear lines for the operator (every configuration problem at once); no stack for setup mistakes.
    for (const line of describeStartFailure(error)) process.stderr.write(`${line}\n`);
    process.exit(1);
  });
}
