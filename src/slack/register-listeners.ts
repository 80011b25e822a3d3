import type { App, BlockButtonAction } from '@slack/bolt';
import type { Sealer } from '../domain/sealer.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { AccountHealth } from '../services/account-health.ts';
import type { AppHome } from '../services/app-home.ts';
import type { TaskTracker } from '../services/background-tasks.ts';
import type { CallbackCredentials } from '../services/callback-credentials.ts';
import type { Consent } from '../services/consent.ts';
import type { ConsentGuard } from '../services/consent-guard.ts';
import type { OrderHistory } from '../services/order-history.ts';
import type { OrderStatusService } from '../services/send-order-status.ts';
import type { SessionTextService } from '../services/session-text.ts';
import type { TemplateChoicesService } from '../services/template-choices.ts';
import type { BulkJobs } from '../storage/bulk-jobs.ts';
import type { CredentialStore } from '../storage/credential-store.ts';
import type { DeliveryJournal } from '../storage/delivery-journal.ts';
import type { UsedButtons } from '../storage/used-buttons.ts';
import type { BulkReporter } from './bulk/bulk-reporter.ts';
import type { ChannelMemory } from './channel-memory.ts';
import type { DeliveryNotifier } from './delivery/delivery-notifier.ts';
import { trustedFileOrigins } from './files/slack-file.ts';
import {
  BULK_CANCEL_ACTION,
  BULK_CONFIRM_CALLBACK,
  BULK_MODAL_CALLBACK,
  CALLBACK_PASSWORD_ACTION,
  CONFIG_MODAL_CALLBACK,
  HOME_HISTORY_ACTION,
  HOME_SETTINGS_ACTION,
  QUALITY_RESUME_ACTION,
  REPLY_ACTION,
  REPLY_MODAL_CALLBACK,
  RESEND_ACTION,
  RETRY_ACTION,
  SEND_FROM_MESSAGE_SHORTCUT,
  SEND_MODAL_CALLBACK,
  SEND_ORDER_STATUS_FUNCTION,
  SLASH_COMMAND,
  TEMPLATE_PICK,
} from './ids.ts';
import { createBulkCancelAction } from './listeners/actions/bulk-cancel.ts';
import { createHomeHistoryAction } from './listeners/actions/home-history.ts';
import { createHomeSettingsAction } from './listeners/actions/home-settings.ts';
import { createNewCallbackPasswordAction } from './listeners/actions/new-callback-password.ts';
import { createQualityResumeAction } from './listeners/actions/quality-resume.ts';
import { createReplyAction } from './listeners/actions/reply-button.ts';
import { createResendAction } from './listeners/actions/send-again.ts';
import { createBulkCommand } from './listeners/commands/bulk-command.ts';
import { createConfigCommand } from './listeners/commands/config-command.ts';
import { createFormCommand } from './listeners/commands/form-command.ts';
import { helpCommand } from './listeners/commands/help-command.ts';
import { createHistoryCommand } from './listeners/commands/history-command.ts';
import { createOptOutCommand } from './listeners/commands/optout-command.ts';
import { createOrderStatusCommand } from './listeners/commands/orderstatus-command.ts';
import { createQualityCommand } from './listeners/commands/quality-command.ts';
import { createSendCommand } from './listeners/commands/send-command.ts';
import { createAppHomeOpened } from './listeners/events/app-home-opened.ts';
import { createAppUninstalled } from './listeners/events/app-uninstalled.ts';
import { createSendOrderStatusStep } from './listeners/functions/send-order-status-step.ts';
import { createTemplateOptions } from './listeners/options/template-options.ts';
import { createSendFromMessageShortcut } from './listeners/shortcuts/send-from-message.ts';
import { createBulkConfirmSubmission } from './listeners/views/bulk-confirm-submission.ts';
import { createBulkFileSubmission } from './listeners/views/bulk-file-submission.ts';
import { createConfigModalSubmission } from './listeners/views/config-modal-submission.ts';
import { createReplyModalSubmission } from './listeners/views/reply-modal-submission.ts';
import { createSendModalSubmission } from './listeners/views/send-modal-submission.ts';
import { createReplyReporter } from './reply-and-report.ts';
import { createSendReporter } from './send-and-report.ts';

/** What the Slack listeners use, and nothing more. */
export type SlackListenerDeps = {
  logger: Logger;
  /** Commands by kind and each send's end-to-end time (/metrics). */
  metrics: Pick<Metrics, 'commands' | 'endToEndSeconds' | 'secondsSince'>;
  /** The Slack API base; its origin is trusted for response_urls (local fakes, proxies). */
  apiUrl: string;
  orderStatus: Pick<OrderStatusService, 'sendOrderStatus'>;
  /** Agents' replies to customers (session texts) from the Reply button. */
  sessionText: Pick<SessionTextService, 'openReply' | 'replyToMessage'>;
  credentials: Pick<CredentialStore, 'get' | 'update' | 'delete'>;
  installations: { deleteWorkspace(workspaceId: string): Promise<void> };
  /** A workspace's send records (journal, claims, used buttons), deleted when it uninstalls the app. */
  records: { deleteWorkspace(workspaceId: string): Promise<number> };
  sealer: Sealer;
  /** Makes each Retry / Send again button single-use, across replicas. */
  usedButtons: Pick<UsedButtons, 'use'>;
  tasks: Pick<TaskTracker, 'run'>;
  deliveryJournal: Pick<DeliveryJournal, 'recordSlackMessage'>;
  orderHistory: Pick<OrderHistory, 'list'>;
  callbackCredentials: Pick<CallbackCredentials, 'show' | 'rotate'>;
  /** Kaleyra's approved templates per workspace, for the send form's picker. */
  templateChoices: Pick<TemplateChoicesService, 'choicesFor' | 'peek'>;
  appHome: Pick<AppHome, 'load'>;
  /** PUBLIC_URL, for the callback URL shown to admins. */
  publicUrl: string | undefined;
  /** Bulk jobs from a CSV file: drafted, queued, canceled here; sent by every process's bulk worker. */
  bulkJobs: Pick<BulkJobs, 'createDraft' | 'queue' | 'cancel' | 'get'>;
  /** A bulk job was just queued: this process's worker looks for it at once. */
  onBulkQueued: () => void;
  /** Whether a bulk job may start (no stopped template, no flagged number). */
  guard: Pick<ConsentGuard, 'checkBulkStart'>;
  /** Opt-outs admins manage (`/orderstatus optout`). */
  consent: Pick<Consent, 'change' | 'list' | 'count'>;
  /** The account's state and the admins' override of a flag (`/orderstatus quality`, its button). */
  accountHealth: Pick<AccountHealth, 'show' | 'resumeBulk'>;
};

/** What the Slack app adds for its listeners: the delivery notifier and the channels it cannot post in. */
export type SlackAppParts = {
  notifier: Pick<DeliveryNotifier, 'refresh'>;
  channels: ChannelMemory;
  /** A bulk job's progress message, summary and result file. */
  bulk: Pick<BulkReporter, 'post' | 'refresh'>;
};

/** The one place listeners are registered: one line per listener, each given only what it uses. */
export function registerListeners(app: App, deps: SlackListenerDeps & SlackAppParts): void {
  const { logger, credentials, sealer, callbackCredentials, publicUrl } = deps;
  const trustedResponseOrigins = ['https://hooks.slack.com', new URL(deps.apiUrl).origin];
  const reporter = createSendReporter({ ...deps, trustedResponseOrigins });
  const replies = createReplyReporter({ ...deps, trustedResponseOrigins });
  const modals = { logger, trustedResponseOrigins, credentials };
  const forms = { ...modals, templates: deps.templateChoices };
  const settings = { credentials, callbackCredentials, publicUrl, logger };
  const quality = {
    accountHealth: deps.accountHealth,
    consent: deps.consent,
    logger,
    onResumed: (jobs: ReadonlyArray<{ jobId: string; workspaceId: string }>) => {
      for (const job of jobs) deps.bulk.refresh(job);
      if (jobs.length > 0) deps.onBulkQueued();
    },
  };

  app.command(
    SLASH_COMMAND,
    createOrderStatusCommand(
      {
        help: helpCommand,
        send: createSendCommand(reporter),
        modal: createFormCommand(forms),
        config: createConfigCommand({ ...modals, ...settings }),
        history: createHistoryCommand({ orderHistory: deps.orderHistory }),
        bulk: createBulkCommand(modals),
        optout: createOptOutCommand({ consent: deps.consent, logger }),
        quality: createQualityCommand(quality),
      },
      (kind) => deps.metrics.commands.inc({ kind }),
    ),
  );
  app.view(SEND_MODAL_CALLBACK, createSendModalSubmission(reporter));
  app.view(CONFIG_MODAL_CALLBACK, createConfigModalSubmission({ credentials, logger }));
  app.action<BlockButtonAction>(REPLY_ACTION, createReplyAction({ ...forms, sessionText: deps.sessionText }));
  app.view(REPLY_MODAL_CALLBACK, createReplyModalSubmission({ reporter: replies, logger }));
  const buttons = { reporter, sealer, usedButtons: deps.usedButtons, logger, trustedResponseOrigins };
  app.action<BlockButtonAction>(RETRY_ACTION, createResendAction(buttons, { force: false }));
  app.action<BlockButtonAction>(RESEND_ACTION, createResendAction(buttons, { force: true }));
  app.action<BlockButtonAction>(
    CALLBACK_PASSWORD_ACTION,
    createNewCallbackPasswordAction({ callbackCredentials, publicUrl, logger }),
  );
  app.options({ action_id: TEMPLATE_PICK.actionId }, createTemplateOptions({ ...forms, logger }));
  app.shortcut(
    { type: 'message_action', callback_id: SEND_FROM_MESSAGE_SHORTCUT },
    createSendFromMessageShortcut(forms),
  );
  app.event('app_home_opened', createAppHomeOpened({ appHome: deps.appHome, publicUrl, logger }));
  app.action<BlockButtonAction>(
    HOME_HISTORY_ACTION,
    createHomeHistoryAction({ orderHistory: deps.orderHistory, logger }),
  );
  app.action<BlockButtonAction>(HOME_SETTINGS_ACTION, createHomeSettingsAction(settings));
  app.action<BlockButtonAction>(QUALITY_RESUME_ACTION, createQualityResumeAction(quality));
  const { bulkJobs, tasks } = deps;
  app.view(
    BULK_MODAL_CALLBACK,
    createBulkFileSubmission({
      bulkJobs,
      credentials,
      tasks,
      logger,
      trustedFileOrigins: trustedFileOrigins(deps.apiUrl),
    }),
  );
  app.view(
    BULK_CONFIRM_CALLBACK,
    createBulkConfirmSubmission({
      bulkJobs,
      credentials,
      guard: deps.guard,
      reporter: deps.bulk,
      onQueued: deps.onBulkQueued,
      tasks,
      logger,
    }),
  );
  app.action<BlockButtonAction>(
    BULK_CANCEL_ACTION,
    createBulkCancelAction({ bulkJobs, reporter: deps.bulk, logger }),
  );
  app.function(
    SEND_ORDER_STATUS_FUNCTION,
    createSendOrderStatusStep({ orderStatus: deps.orderStatus, tasks, logger }),
  );
  const uninstalled = createAppUninstalled({
    installations: deps.installations,
    credentials,
    records: deps.records,
    logger,
  });
  app.event('app_uninstalled', uninstalled);
  app.event('tokens_revoked', uninstalled);
}
