import { openEmbeddedDatabase } from './embedded-database.ts';
import { type Database, openPool, type StorageLogger } from './pool.ts';

export type { Database, StorageLogger } from './pool.ts';

export type OpenDatabaseOptions = {
  /** Postgres URL; when unset, the embedded database under `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir: string;
  logger?: StorageLogger | undefined;
  /** How long to wait for a connection before reporting the database as down. */
  connectionTimeoutMillis?: number | undefined;
};

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const logger = options.logger ?? consoleLogger();
  const connectionTimeoutMillis = options.connectionTimeoutMillis ?? 3_000;
  if (options.databaseUrl) {
    logger.info(`Using Postgres at ${redactDatabaseUrl(options.databaseUrl)}`);
    return openPool(options.databaseUrl, {
      mode: 'postgres',
      connectionTimeoutMillis,
      maxConnections: 10,
      logger,
    });
  }
  return openEmbeddedDatabase(options.dataDir, { connectionTimeoutMillis, logger });
}

/** Strips the password from a connection URL so it can be logged. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

function consoleLogger(): StorageLogger {
  return {
    info: () => undefined,
    warn: (message) => console.warn(message),
    error: (message) => console.error(message),
  };
}
