import { App, type Authorize, type InstallationStore, type Receiver, webApi } from '@slack/bolt';
import type { SlackConfig } from '../config.ts';
import type { MediaSource } from '../http/media-route.ts';
import type { Route } from '../http/router.ts';
import type { Metrics } from '../metrics.ts';
import type { ResumedJobs } from '../services/resumed-jobs.ts';
import type { AccountAnnouncementsStore } from '../storage/account-announcements-store.ts';
import type { BulkJobs } from '../storage/bulk-jobs.ts';
import type { BulkReports } from '../storage/bulk-reports.ts';
import type { DeliveryJournal } from '../storage/delivery-journal.ts';
import type { IncomingPosts } from '../storage/incoming-posts.ts';
import { type AccountAnnouncer, createAccountAnnouncer } from './account/account-announcer.ts';
import { toBoltLogger } from './bolt-logger.ts';
import { type BulkReporter, createBulkReporter } from './bulk/bulk-reporter.ts';
import { createChannelMemory } from './channel-memory.ts';
import {
  type ConversationOptions,
  type ConversationPoster,
  createConversationPoster,
} from './conversation/conversation-poster.ts';
import { createDeliveryNotifier, type DeliveryNotifier } from './delivery/delivery-notifier.ts';
import { createSlackCaller } from './delivery/slack-calls.ts';
import { createSlackMediaSource } from './files/media-source.ts';
import { trustedFileOrigins } from './files/slack-file.ts';
import { createOAuth } from './oauth.ts';
import { observeSlackFetch } from './observe-slack.ts';
import { createSlackReceiver } from './receiver.ts';
import { registerListeners, type SlackListenerDeps } from './register-listeners.ts';
import { createSocketModeConnection } from './socket-mode.ts';

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

export type SlackApp = {
  app: App;
  /** The HTTP paths Slack calls (events, OAuth); none in Socket Mode. */
  routes: Route[];
  /** The Socket Mode connection to start and stop, when configured. */
  socketMode: { start(): Promise<unknown>; stop(): Promise<unknown> } | undefined;
  /** Brings an attempt's outcome message up to date with its delivery state (after a callback). */
  notifier: Pick<DeliveryNotifier, 'refresh'>;
  /** Bulk jobs' progress messages, summaries and result files (the bulk worker reports to it). */
  bulk: BulkReporter;
  /** Customers' messages into their order's thread (or the replies channel, a DM, or kept). */
  conversation: ConversationPoster;
  /** Tells admins of template and number changes, once (run on an event, and on a sweep). */
  announcer: AccountAnnouncer;
  /** Attached files, read from Slack with the workspace's bot token for the media route. */
  media: MediaSource;
};

export type SlackAppDeps = SlackListenerDeps & {
  installationStore: InstallationStore;
  deliveryJournal: Pick<
    DeliveryJournal,
    'recordSlackMessage' | 'read' | 'markShown' | 'markSlackGone' | 'claimNotice'
  >;
  bulkJobs: SlackListenerDeps['bulkJobs'] & Pick<BulkJobs, 'setProgressMessage'>;
  bulkReports: Pick<BulkReports, 'results' | 'counts'>;
  /** How often a bulk job's progress message may be edited, ms (tests). */
  bulkEditMs?: number | undefined;
  incomingPosts: Pick<IncomingPosts, 'claim' | 'renew' | 'markPosted' | 'setPermalink' | 'release' | 'keep'>;
  /** Customers' messages' post tunings (tests). */
  conversationOptions?: ConversationOptions | undefined;
  accountAnnouncements: Pick<AccountAnnouncementsStore, 'claim' | 'release'>;
  /** Bulk jobs that resumed after a pause, to be told once. */
  resumedJobs: Pick<ResumedJobs, 'claim' | 'release'>;
  metrics: Pick<Metrics, 'ackSeconds' | 'commands' | 'slackApiErrors' | 'endToEndSeconds' | 'secondsSince'>;
};

/** The Bolt app: its transport (our HTTP receiver or Socket Mode), its authorization, its listeners. */
export function createSlackApp(slack: SlackConfig, deps: SlackAppDeps): SlackApp {
  const { logger } = deps;
  const boltLogger = toBoltLogger(logger);
  const routes: Route[] = [];
  let authorize: Authorize<boolean>;
  if (slack.auth.mode === 'oauth') {
    const oauth = createOAuth({
      ...slack.auth,
      installationStore: deps.installationStore,
      apiUrl: slack.apiUrl,
      logger,
    });
    authorize = oauth.authorize;
    routes.push(...oauth.routes);
  } else {
    // Answered here, so no `auth.test` round trip sits in front of an ack.
    const { botToken } = slack.auth;
    authorize = async () => ({ botToken });
  }

  // Every Web API call's failures are counted by method and code (/metrics).
  const slackFetch = observeSlackFetch(deps.metrics);
  let receiver: Receiver;
  let socketMode: SlackApp['socketMode'];
  if (slack.transport.kind === 'http') {
    const http = createSlackReceiver({
      signingSecret: slack.transport.signingSecret,
      logger,
      metrics: deps.metrics,
    });
    routes.push(http.route);
    receiver = http;
  } else {
    const connection = createSocketModeConnection({
      appToken: slack.transport.appToken,
      apiUrl: slack.apiUrl,
      logger: boltLogger,
    });
    receiver = connection.receiver;
    socketMode = connection;
  }

  const app = new App({
    receiver,
    authorize,
    logger: boltLogger,
    // No listener keeps conversation state; Bolt's default in-memory store would look it up (and build
    // a "Conversation not found" Error) on every request.
    convoStore: false,
    clientOptions: {
      slackApiUrl: slack.apiUrl,
      logger: boltLogger,
      fetch: slackFetch,
      retryConfig: SLACK_RETRY_POLICY,
      // A Web API call that hangs must not hold a send's outcome (or a drain) hostage.
      timeout: 10_000,
    },
  });
  app.error(async (error) => {
    // The one place an unexpected listener error is logged.
    logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  // Background work's own client: edits must not wait out a 429 inside the client, the caller does.
  const background = new webApi.WebClient(undefined, {
    slackApiUrl: slack.apiUrl,
    logger: boltLogger,
    fetch: slackFetch,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 10_000,
  });
  const tokenFor = tokenLookup(slack, authorize);
  const caller = createSlackCaller({ tokenFor, logger });
  const notifier = createDeliveryNotifier({
    journal: deps.deliveryJournal,
    client: background,
    slack: caller,
    tasks: deps.tasks,
    logger,
  });
  const bulk = createBulkReporter({
    jobs: deps.bulkJobs,
    reports: deps.bulkReports,
    client: background,
    slack: caller,
    logger,
    editMs: deps.bulkEditMs,
  });
  const conversation = createConversationPoster({
    posts: deps.incomingPosts,
    settings: deps.credentials,
    client: background,
    slack: caller,
    tasks: deps.tasks,
    logger: logger.child({ component: 'conversation' }),
    options: deps.conversationOptions,
  });
  const announcer = createAccountAnnouncer({
    store: deps.accountAnnouncements,
    resumed: deps.resumedJobs,
    bulk,
    credentials: deps.credentials,
    client: background,
    slack: caller,
    logger,
  });
  registerListeners(app, { ...deps, notifier, bulk, channels: createChannelMemory() });
  const media = createSlackMediaSource({
    client: background,
    tokenFor,
    trustedOrigins: trustedFileOrigins(slack.apiUrl),
  });
  return { app, routes, socketMode, notifier, bulk, conversation, announcer, media };
}

/** A workspace's bot token outside any request: the one token, or the workspace's installation's. */
function tokenLookup(slack: SlackConfig, authorize: Authorize<boolean>) {
  return async (workspaceId: string): Promise<string | undefined> => {
    if (slack.auth.mode === 'single') return slack.auth.botToken;
    const enterprise = workspaceId.startsWith('E');
    try {
      const found = await authorize({
        teamId: enterprise ? undefined : workspaceId,
        enterpriseId: enterprise ? workspaceId : undefined,
        isEnterpriseInstall: enterprise,
      });
      return found.botToken;
    } catch {
      return undefined;
    }
  };
}
