import { createTaskTracker } from '../background-tasks.ts';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { createKaleyraClient } from '../kaleyra/client.ts';
import type { Logger } from '../logger.ts';
import { createCredentialStore } from '../storage/credential-store.ts';
import { openDatabase } from '../storage/database.ts';
import { createCipher, loadOrCreateEmbeddedKey, parseEncryptionKeys } from '../storage/encryption.ts';
import { createInstallationStore } from '../storage/installation-store.ts';
import { createKeyvStore } from '../storage/keyv-store.ts';
import { createOrderStatusService } from './send-order-status.ts';

/**
 * Opens the database and wires everything that uses it. The server and the CLI both start here, so
 * they share one storage path (Postgres, or the embedded database) and one send path.
 */
export async function openServices(config: Config, logger: Logger, options: { secrets?: Set<string> } = {}) {
  const keySpec = config.storage.encryptionKey ?? loadOrCreateEmbeddedKey(config.storage.dataDir);
  options.secrets?.add(keySpec);
  let cipher: ReturnType<typeof createCipher>;
  try {
    cipher = createCipher(parseEncryptionKeys(keySpec));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }

  const storageLogger = logger.child({ component: 'storage' });
  const db = await openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    logger: {
      info: (message) => storageLogger.info(message),
      warn: (message) => storageLogger.warn(message),
      error: (message) => storageLogger.error(message),
    },
  });
  const keyv = createKeyvStore(db, {
    onError: (error) => storageLogger.warn({ err: error }, 'database operation failed'),
  });
  const credentials = createCredentialStore(keyv, cipher);
  const installationStore = createInstallationStore(keyv, cipher);
  const kaleyra = createKaleyraClient({
    ...(config.kaleyraBaseUrl ? { baseUrlOverride: config.kaleyraBaseUrl } : {}),
    timeoutMs: config.kaleyraTimeoutMs,
  });
  const orderStatus = createOrderStatusService({ credentials, kaleyra });
  const tasks = createTaskTracker((error) => logger.error({ err: error }, 'background task failed'));

  return {
    databaseMode: db.mode,
    currentKeyId: cipher.currentKeyId,
    credentials,
    installationStore,
    orderStatus,
    tasks,
    ping: () => db.ping(),
    deleteInstallation: (workspaceId: string, _enterpriseInstall: boolean) =>
      installationStore.deleteWorkspace(workspaceId),
    async close() {
      await db.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof openServices>>;
