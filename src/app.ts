import { createCallbackRoute } from './callbacks/callback-route.ts';
import type { ServerConfig } from './config.ts';
import { describeError } from './describe/describe-error.ts';
import { PLAIN_SURFACE } from './describe/surface.ts';
import { createMediaRoute, type MediaRouteOptions } from './http/media-route.ts';
import { createMetricsRoute } from './http/metrics-route.ts';
import type { Route } from './http/router.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { type BulkWorker, type BulkWorkerOptions, createBulkWorker } from './services/bulk-worker.ts';
import {
  createIncomingSweeper,
  type IncomingSweeper,
  type IncomingSweeperOptions,
} from './services/incoming-sweeper.ts';
import { observeSends } from './services/observe.ts';
import type { Services } from './services/open-services.ts';
import type { ConversationOptions } from './slack/conversation/conversation-poster.ts';
import { createSlackApp, type SlackApp } from './slack/create-slack-app.ts';

export type AppDeps = {
  config: ServerConfig;
  logger: Logger;
  services: Services;
  /** The process's metrics (GET /metrics). */
  metrics: Metrics;
  /** Bulk worker tunings (tests pass short leases and polls); production uses the defaults. */
  bulk?: (BulkWorkerOptions & { editMs?: number }) | undefined;
  /** Customers' messages' post and sweeper tunings (tests: quick retries and sweeps). */
  conversation?: (ConversationOptions & { sweeper?: IncomingSweeperOptions }) | undefined;
  /** The media route's clock and timeouts (tests: a link past its hour). */
  media?: Pick<MediaRouteOptions, 'now' | 'firstByteTimeoutMs' | 'idleTimeoutMs'> | undefined;
};

export type BuiltApp = {
  /** Every HTTP path the app answers (besides /healthz, which server.ts serves from the first moment). */
  routes: Route[];
  slack: SlackApp;
  /** Sends queued bulk jobs' rows; the server starts it once ready and stops it on SIGTERM. */
  bulkWorker: BulkWorker;
  /** Posts customers' messages left pending (a crash, a Slack outage); started and stopped like the bulk worker. */
  incomingSweeper: IncomingSweeper;
};

/** The application: its Slack app and its route table, built from the opened services. */
export function buildApp({
  config,
  logger,
  services,
  metrics,
  bulk,
  conversation,
  media,
}: AppDeps): BuiltApp {
  let bulkWorker: BulkWorker | undefined;
  // Codes as every surface shows them (result files, metrics).
  const codeOf = (error: unknown) => describeError(error, PLAIN_SURFACE).code;
  const orderStatus = observeSends(services.orderStatus, metrics, codeOf);
  const slack = createSlackApp(config.slack, {
    logger,
    apiUrl: config.slack.apiUrl,
    orderStatus,
    sessionText: services.sessionText,
    metrics,
    credentials: services.credentials,
    installations: services.installationStore,
    installationStore: services.installationStore,
    sealer: services.sealer,
    usedButtons: services.usedButtons,
    records: { deleteWorkspace: services.deleteWorkspaceRecords },
    tasks: services.tasks,
    deliveryJournal: services.deliveryJournal,
    orderHistory: services.orderHistory,
    callbackCredentials: services.callbackCredentials,
    templateChoices: services.templateChoices,
    appHome: services.appHome,
    publicUrl: config.publicUrl,
    bulkJobs: services.bulkJobs,
    bulkReports: services.bulkReports,
    bulkEditMs: bulk?.editMs,
    onBulkQueued: () => bulkWorker?.wake(),
    incomingPosts: services.incomingPosts,
    conversationOptions: conversation,
    guard: services.guard,
    accountAnnouncements: services.accountAnnouncements,
    resumedJobs: services.resumedJobs,
    consent: services.consent,
    accountHealth: services.accountHealth,
  });
  bulkWorker = createBulkWorker({
    jobs: services.bulkJobs,
    pauses: services.bulkPauses,
    reports: services.bulkReports,
    orderStatus,
    codeOf,
    onProgress: (job) => slack.bulk.refresh(job),
    onRowFinished: (outcome) => metrics.bulkRows.inc({ outcome }),
    onFinished: (job) => slack.bulk.finish(job),
    // A job resumed by any process (a lift, a new default template from the CLI): told from here.
    onResumed: () => void slack.announcer.run(),
    logger: logger.child({ component: 'bulk' }),
    options: bulk,
  });
  const callbacks = createCallbackRoute({
    credentials: services.callbackCredentials,
    deliveryStatus: services.deliveryStatus,
    incoming: services.incoming,
    accountHealth: services.accountHealth,
    payments: services.payments,
    // Slack hears about it only after Kaleyra has its answer.
    onChanged: (_workspaceId, attemptIds) => {
      for (const attemptId of attemptIds) slack.notifier.refresh(attemptId);
    },
    onIncoming: (workspaceId, recorded) => slack.conversation.show(workspaceId, recorded),
    onAccountChanged: () => {
      // A lift resumed the jobs it freed as it was recorded: this process's worker takes their rows now.
      bulkWorker?.wake();
      // Even with no change here: the other replica's change may be waiting to be told (claims skip a row
      // another replica's write of the same event held).
      void slack.announcer.run();
    },
    metrics,
    logger: logger.child({ component: 'callbacks' }),
  });
  const routes: Route[] = [
    ...slack.routes,
    callbacks,
    createMetricsRoute(metrics.registry, config.metricsToken),
    createMediaRoute({
      sealer: services.sealer,
      files: slack.media,
      logger: logger.child({ component: 'media' }),
      ...media,
    }),
  ];
  const incomingSweeper = createIncomingSweeper({
    posts: services.incomingPosts,
    deliver: (claim) => slack.conversation.deliver(claim),
    logger: logger.child({ component: 'conversation' }),
    options: conversation?.sweeper,
  });
  return { routes, slack, bulkWorker, incomingSweeper };
}
