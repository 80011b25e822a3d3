import { createCallbackRoute } from './callbacks/callback-route.ts';
import type { ServerConfig } from './config.ts';
import type { Route } from './http/router.ts';
import type { Logger } from './logger.ts';
import type { Services } from './services/open-services.ts';
import { createSlackApp, type SlackApp } from './slack/create-slack-app.ts';

export type AppDeps = { config: ServerConfig; logger: Logger; services: Services };

export type BuiltApp = {
  /** Every HTTP path the app answers (besides /healthz, which server.ts serves from the first moment). */
  routes: Route[];
  slack: SlackApp;
};

/** The application: its Slack app and its route table, built from the opened services. */
export function buildApp({ config, logger, services }: AppDeps): BuiltApp {
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
  return { routes, slack };
}
