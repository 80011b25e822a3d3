import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type Database, openDatabase } from '../storage/database.ts';

/**
 * The process's database: Postgres at DATABASE_URL, or the embedded one in DATA_DIR (started here when
 * no other process serves it), logging as the storage component. Light to import, so a caller can start
 * it while the rest of the app loads (the embedded database takes the longest to come up).
 */
export function openStorage(config: Config, logger: Logger): Promise<Database> {
  const storageLogger = logger.child({ component: 'storage' });
  return openDatabase({
    databaseUrl: config.storage.databaseUrl,
    dataDir: config.storage.dataDir,
    logger: {
      info: (message) => storageLogger.info(message),
      warn: (message) => storageLogger.warn(message),
      error: (message) => storageLogger.error(message),
    },
  });
}
