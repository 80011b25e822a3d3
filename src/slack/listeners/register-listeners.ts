import type { App } from '@slack/bolt';
import type { AppDeps } from '../../app.ts';
import { createActionPayloadSeal } from '../action-payload.ts';
import {
  CONFIG_MODAL_CALLBACK,
  RESEND_ACTION,
  RETRY_ACTION,
  SEND_MODAL_CALLBACK,
  SLASH_COMMAND,
} from '../ids.ts';
import { createResendAction } from './actions/send-again.ts';
import { createOrderStatusCommand } from './commands/orderstatus-command.ts';
import type { ListenerContext } from './context.ts';
import { createAppUninstalled } from './events/app-uninstalled.ts';
import { ackUnknownInteractions } from './unknown-interactions.ts';
import { createConfigModalSubmission } from './views/config-modal-submission.ts';
import { createSendModalSubmission } from './views/send-modal-submission.ts';

/** The one place listeners are registered. */
export function registerListeners(app: App, deps: AppDeps): void {
  const apiOrigin = new URL(deps.config.slack.apiUrl).origin;
  const ctx: ListenerContext = {
    config: deps.config,
    logger: deps.logger,
    services: deps.services,
    send: {
      orderStatus: deps.services.orderStatus,
      logger: deps.logger,
      trustedResponseOrigins: ['https://hooks.slack.com', apiOrigin],
      actionSeal: createActionPayloadSeal(deps.services.cipher),
    },
  };

  app.use(ackUnknownInteractions);
  app.command(SLASH_COMMAND, createOrderStatusCommand(ctx));
  app.view(SEND_MODAL_CALLBACK, createSendModalSubmission(ctx));
  app.view(CONFIG_MODAL_CALLBACK, createConfigModalSubmission(ctx));
  app.action<import('@slack/bolt').BlockButtonAction>(
    RETRY_ACTION,
    createResendAction(ctx, { force: false }),
  );
  app.action<import('@slack/bolt').BlockButtonAction>(
    RESEND_ACTION,
    createResendAction(ctx, { force: true }),
  );
  const uninstalled = createAppUninstalled(ctx);
  app.event('app_uninstalled', uninstalled);
  app.event('tokens_revoked', uninstalled);
}
