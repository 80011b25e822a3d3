import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { createKaleyraClient } from '../kaleyra/client.ts';
import { createKaleyraHttp } from '../kaleyra/http.ts';
import { createTemplatesClient } from '../kaleyra/templates-client.ts';
import { watchMessageWrites } from '../kaleyra/watch-message-writes.ts';
import type { Logger } from '../logger.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { createAccountAnnouncementsStore } from '../storage/account-announcements-store.ts';
import { createAccountHealthStore } from '../storage/account-health-store.ts';
import { createBulkJobs } from '../storage/bulk-jobs.ts';
import { createBulkPauses } from '../storage/bulk-pauses.ts';
import { createBulkReports } from '../storage/bulk-reports.ts';
import { createCallbackCredentialsStore } from '../storage/callback-credentials-store.ts';
import { createConsentStore } from '../storage/consent-store.ts';
import { createConversationOwnersStore } from '../storage/conversation-owners-store.ts';
import { createConversationStore } from '../storage/conversation-store.ts';
import { createConversationWaiting } from '../storage/conversation-waiting.ts';
import { createCachedCredentialStore } from '../storage/credential-cache.ts';
import { createCredentialStore } from '../storage/credential-store.ts';
import type { Database } from '../storage/database.ts';
import { createDeliveryJournal } from '../storage/delivery-journal.ts';
import {
  createCipher,
  createSealer,
  loadOrCreateEmbeddedKey,
  parseEncryptionKeys,
} from '../storage/encryption.ts';
import { createIncomingLists } from '../storage/incoming-lists.ts';
import { createIncomingPosts } from '../storage/incoming-posts.ts';
import { createIncomingStore } from '../storage/incoming-store.ts';
import { createInstallationStore } from '../storage/installation-store.ts';
import { type KeyedHash, loadKeyedHash, resealKeyedHashKey } from '../storage/keyed-hash.ts';
import { createKeyvStore } from '../storage/keyv-store.ts';
import { migrate, readSchemaVersion, SCHEMA_VERSION } from '../storage/migrations.ts';
import { createOrderHistoryStore } from '../storage/order-history-store.ts';
import { createPaymentStore } from '../storage/payment-store.ts';
import { deleteWorkspaceRecords } from '../storage/retention.ts';
import { createSavedRepliesStore } from '../storage/saved-replies-store.ts';
import { createSendGuardStore } from '../storage/send-guard-store.ts';
import { createSendJournal } from '../storage/send-journal.ts';
import { createUsedButtons } from '../storage/used-buttons.ts';
import { createWorkspaceActivity } from '../storage/workspace-activity.ts';
import { createAccountHealth } from './account-health.ts';
import { createAppHome } from './app-home.ts';
import { createTaskTracker } from './background-tasks.ts';
import { createCallbackCredentials } from './callback-credentials.ts';
import { createConsent } from './consent.ts';
import { createConsentGuard } from './consent-guard.ts';
import { createConversationHistory } from './conversation-history.ts';
import { createConversationOwners } from './conversation-owners.ts';
import { followDefaultTemplate } from './default-template-follow.ts';
import { createDeliveryStatusService } from './delivery-status.ts';
import { createIncomingMessages } from './incoming-messages.ts';
import { observeGuard, observeKaleyra, observeLimiter, observeReplies } from './observe.ts';
import { observeOwners } from './observe-owners.ts';
import { openStorage } from './open-storage.ts';
import { createOrderHistory } from './order-history.ts';
import { createOutcomeRecorder } from './outcome-recorder.ts';
import { createPayments } from './payments.ts';
import { createSendRateLimiter } from './rate-limiter.ts';
import { createResumedJobs } from './resumed-jobs.ts';
import { createRetentionJob } from './retention-job.ts';
import { createSavedReplies } from './saved-replies.ts';
import { createOrderStatusService } from './send-order-status.ts';
import { createSessionTextService } from './session-text.ts';
import { createTemplateChoices } from './template-choices.ts';

/**
 * Opens the database and wires everything that uses it. The server and the CLI both start here, so
 * they share one storage path (Postgres, or the embedded database) and one send path.
 */
export async function openServices(
  config: Config,
  logger: Logger,
  options: {
    secrets?: Set<string>;
    migrate?: boolean;
    metrics?: Metrics;
    /** Opened already (openStorage): the CLI starts it while this module loads. */
    database?: Database;
  } = {},
) {
  const keySpec = config.storage.encryptionKey ?? loadOrCreateEmbeddedKey(config.storage.dataDir);
  options.secrets?.add(keySpec);
  let cipher: ReturnType<typeof createCipher>;
  try {
    cipher = createCipher(parseEncryptionKeys(keySpec));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }

  const storageLogger = logger.child({ component: 'storage' });
  const db = options.database ?? (await openStorage(config, logger));
  const keyv = createKeyvStore(db, {
    onError: (error) => storageLogger.warn({ err: error }, 'database operation failed'),
  });
  let keyedHash: KeyedHash;
  try {
    await prepareSchema(db, logger, { migrating: options.migrate === true });
    keyedHash = await loadKeyedHash(db, cipher);
  } catch (error) {
    await db.close();
    throw error;
  }
  const sealer = createSealer(cipher);
  const bulkPauses = createBulkPauses(db, sealer);
  // Other instances' credential changes are seen within the cache's TTL (10 s); this one's at once.
  // Every save also moves unfinished bulk jobs to the default template (they carry it, so no cache lags).
  const credentials = followDefaultTemplate(
    createCachedCredentialStore(createCredentialStore(keyv, cipher)),
    {
      pauses: bulkPauses,
      onError: (error, workspace) =>
        storageLogger.warn({ err: error, workspace }, 'could not move bulk jobs to the new default template'),
    },
  );
  const journal = createSendJournal(db, keyedHash);
  const deliveryJournal = createDeliveryJournal(db);
  const installationStore = createInstallationStore(keyv, cipher);
  // The server's metrics (the CLI has none to serve, so it gets a registry of its own that nobody reads).
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: false });
  metrics.watchPool(db.pool);
  // One ky instance for every call to Kaleyra: the send and the template list.
  const kaleyraHttp = createKaleyraHttp();
  const kaleyraBase = config.kaleyraBaseUrl ? { baseUrlOverride: config.kaleyraBaseUrl } : {};
  const kaleyra = observeKaleyra(
    createKaleyraClient({ ...kaleyraBase, http: kaleyraHttp, timeoutMs: config.kaleyraTimeoutMs }),
    metrics,
  );
  const recorder = createOutcomeRecorder({
    complete: (attempt, outcome) => journal.complete(attempt, outcome),
    logger,
  });
  const bulkJobs = createBulkJobs(db, sealer);
  const bulkReports = createBulkReports(db, sealer);
  const accountHealth = createAccountHealth({
    store: createAccountHealthStore(db),
    credentials,
    bulkPauses,
  });
  // Read on every send, on every path: opt-outs, paused templates, a flagged number (consent-guard.ts).
  const guard = observeGuard(createConsentGuard({ store: createSendGuardStore(db) }), metrics);
  const limiter = createSendRateLimiter({ limitPerSecond: config.kaleyraRateLimit, db });
  // When each send truly left (its headers written), so a late one cannot bunch with the next second's.
  const stopWatchingWrites = watchMessageWrites((businessNumber) => limiter.noteWritten(businessNumber));
  // The steps every send takes, shared by order-status templates and session texts (one rate budget).
  const sendSteps = {
    credentials,
    kaleyra,
    journal,
    recorder,
    limiter: observeLimiter(limiter, metrics),
    guard,
  };
  const orderStatus = createOrderStatusService({
    ...sendSteps,
    keyedHash,
    templateFailures: accountHealth,
    onLearnError: (error) => logger.warn({ err: error }, 'could not note a paused template from a send'),
  });
  const tasks = createTaskTracker((error) => logger.error({ err: error }, 'background task failed'));
  const retention = createRetentionJob({ db, retentionDays: config.journalRetentionDays, logger });
  const callbackCredentials = createCallbackCredentials({
    store: createCallbackCredentialsStore(db),
    keyedHash,
    onNoteError: (error) => storageLogger.warn({ err: error }, 'could not note the last callback'),
  });
  const orderHistory = createOrderHistory({ store: createOrderHistoryStore(db), keyedHash });
  const incomingStore = createIncomingStore(db);
  const incomingLists = createIncomingLists(db);
  const conversations = createConversationStore(db);
  const sessionText = observeReplies(
    createSessionTextService({
      ...sendSteps,
      keyedHash,
      sealer,
      incoming: incomingStore,
      orders: conversations,
      publicUrl: config.publicUrl,
    }),
    metrics,
  );
  const consent = createConsent({ store: createConsentStore(db), credentials, keyedHash });

  return {
    /** The database itself, for health checks and tests; everything else goes through the stores. */
    db,
    databaseMode: db.mode,
    /** PUBLIC_URL, for the callback URL the CLI prints. */
    publicUrl: config.publicUrl,
    currentKeyId: cipher.currentKeyId,
    /** Seals what must leave the service readable only by us (Slack button values, bulk rows). */
    sealer,
    /** Bulk jobs from CSV files, row by row (sent by the bulk worker every server runs). */
    bulkJobs,
    /** Paused bulk jobs: what stopped each, their resumption, `send --csv` runs handed over. */
    bulkPauses,
    bulkReports,
    /** Bulk jobs that resumed after a pause, for Slack to be told once. */
    resumedJobs: createResumedJobs({ pauses: bulkPauses, reports: bulkReports }),
    /** HMAC-SHA-256 under a key that survives ENCRYPTION_KEY rotation (keyed-hash.ts). */
    keyedHash,
    /** Deletes old journal rows, expired claims and used buttons in the background (the server starts it). */
    retention,
    /** An uninstalled workspace's journal rows, their claims and its used buttons; returns the rows deleted. */
    deleteWorkspaceRecords: (workspaceId: string) => deleteWorkspaceRecords(db, workspaceId),
    /** Nonces of used Retry / Send again buttons: each button works once. */
    usedButtons: createUsedButtons(db),
    /** Re-seals the keyed-hash key with the current ENCRYPTION_KEY; true when it was rewritten. */
    resealKeyedHashKey: () => resealKeyedHashKey(db, cipher),
    credentials,
    journal,
    installationStore,
    orderStatus,
    /** Agents' free-form replies (session texts and files), inside WhatsApp's 24-hour window only. */
    sessionText,
    /** Both directions of a conversation, for `orderstatus history`. */
    conversations: createConversationHistory({ store: conversations, keyedHash }),
    tasks,
    /** Where each attempt's delivery state and Slack message are kept. */
    deliveryJournal,
    deliveryStatus: createDeliveryStatusService({
      journal: deliveryJournal,
      templateFailures: accountHealth,
    }),
    callbackCredentials,
    orderHistory,
    /** Customers' messages: recorded once, matched to their order (the callback receiver); STOP/START applied. */
    incoming: createIncomingMessages({ store: incomingStore, keyedHash, sealer, consent }),
    incomingStore,
    /** Showing each customer's message in Slack once across replicas (claims, where it went). */
    incomingPosts: createIncomingPosts(db),
    /** Who has each customer's conversation and whether it is resolved (Take it, Resolve), across replicas. */
    owners: observeOwners(
      createConversationOwners({
        store: createConversationOwnersStore(db),
        waiting: createConversationWaiting(db),
      }),
      metrics,
    ),
    /** Opt-outs (customers' keywords and admins'), their journal, and the keywords admins add. */
    consent,
    /** The consent and quality guard every send path asks (send-steps); bulk starts ask it too. */
    guard,
    /** WhatsApp Pay events per order (the callback receiver), each order's payment, for history. */
    payments: createPayments({ store: createPaymentStore(db), keyedHash }),
    /** Meta's template-status and number-quality events (the callback receiver), overrides, state. */
    accountHealth,
    /** Template and number changes not yet told to admins (claimed once, whichever replica). */
    accountAnnouncements: createAccountAnnouncementsStore(db),
    /** What each person's App Home shows, read fresh on every open. */
    appHome: createAppHome({
      credentials,
      orderHistory,
      callbackCredentials,
      activity: createWorkspaceActivity(db),
      replies: incomingLists,
      health: accountHealth,
      consent,
    }),
    /** The workspace's named replies (admins manage them; a send fills one in). */
    savedReplies: createSavedReplies({ store: createSavedRepliesStore(db) }),
    /** Kaleyra's approved templates per workspace, for the send form's picker (cached a few minutes). */
    templateChoices: createTemplateChoices({
      client: createTemplatesClient({ ...kaleyraBase, http: kaleyraHttp }),
    }),
    ping: () => db.ping(),
    migrate: () => migrate(db),
    /** Outcomes not yet written get one last try (and are logged by id) before the database closes. */
    async close() {
      stopWatchingWrites();
      await retention.stop();
      await recorder.stop();
      await db.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof openServices>>;

/**
 * The embedded database belongs to this process, so it is migrated here. A shared Postgres is
 * migrated explicitly (`orderstatus migrate`: Heroku's release phase, the Kubernetes Job); a process
 * that finds it behind refuses to start rather than run against a schema it does not know.
 */
async function prepareSchema(db: Database, logger: Logger, options: { migrating?: boolean } = {}) {
  if (db.mode === 'embedded' || options.migrating) {
    const applied = await migrate(db);
    if (applied.length > 0) logger.info({ applied }, 'database schema migrated');
    return;
  }
  const version = await readSchemaVersion(db);
  if (version < SCHEMA_VERSION) {
    throw new ConfigError(
      `the database schema is at version ${version} and this release needs ${SCHEMA_VERSION}: run \`orderstatus migrate\` (npm run orderstatus -- migrate) first`,
    );
  }
}
