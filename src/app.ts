import { createCallbackRoute } from './callbacks/callback-route.ts';
import type { ServerConfig } from './config.ts';
import { describeError } from './describe/describe-error.ts';
import { PLAIN_SURFACE } from './describe/surface.ts';
import type { Route } from './http/router.ts';
import type { Logger } from './logger.ts';
import { type BulkWorker, type BulkWorkerOptions, createBulkWorker } from './services/bulk-worker.ts';
import type { Services } from './services/open-services.ts';
import { createSlackApp, type SlackApp } from './slack/create-slack-app.ts';

export type AppDeps = {
  config: ServerConfig;
  logger: Logger;
  services: Services;
  /** Bulk worker tunings (tests pass short leases and polls); production uses the defaults. */
  bulk?: (BulkWorkerOptions & { editMs?: number }) | undefined;
};

export type BuiltApp = {
  /** Every HTTP path the app answers (besides /healthz, which server.ts serves from the first moment). */
  routes: Route[];
  slack: SlackApp;
  /** Sends queued bulk jobs' rows; the server starts it once ready and stops it on SIGTERM. */
  bulkWorker: BulkWorker;
};

/** The application: its Slack app and its route table, built from the opened services. */
export function buildApp({ config, logger, services, bulk }: AppDeps): BuiltApp {
  let bulkWorker: BulkWorker | undefined;
  const slack = createSlackApp(config.slack, {
    logger,
    apiUrl: config.slack.apiUrl,
    orderStatus: services.orderStatus,
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
  });
  bulkWorker = createBulkWorker({
    jobs: services.bulkJobs,
    reports: services.bulkReports,
    orderStatus: services.orderStatus,
    // The result file's codes are the ones every other surface shows.
    codeOf: (error) => describeError(error, PLAIN_SURFACE).code,
    onProgress: (job) => slack.bulk.refresh(job),
    onFinished: (job) => slack.bulk.finish(job),
    logger: logger.child({ component: 'bulk' }),
    options: bulk,
  });
  const callbacks = createCallbackRoute({
    credentials: services.callbackCredentials,
    deliveryStatus: services.deliveryStatus,
    // Slack hears about it only after Kaleyra has its answer.
    onChanged: (_workspaceId, attemptIds) => {
      for (const attemptId of attemptIds) slack.notifier.refresh(attemptId);
    },
    logger: logger.child({ component: 'callbacks' }),
  });
  const routes: Route[] = [...slack.routes, callbacks];
  return { routes, slack, bulkWorker };
}
