import pg from 'pg';
import { StorageError } from '../errors/storage-error.ts';

export type StorageLogger = {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

export type Database = {
  /** Connection URL as given (may hold a password: never log it; see `redactDatabaseUrl`). */
  url: string;
  mode: 'postgres' | 'embedded';
  /** Every pool handed out here has an 'error' listener; `pool.connect()` callers own their client's. */
  pool: pg.Pool;
  /** SQL errors (constraint violations…) reject as `pg.DatabaseError`; connection failures as StorageError. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** True when `SELECT 1` answers; never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};

export type PoolOptions = {
  mode: Database['mode'];
  /** How long to wait for a connection before reporting the database as down. */
  connectionTimeoutMillis: number;
  maxConnections: number;
  logger: StorageLogger;
  /** Runs once the pool has ended (the embedded owner stops its server and releases the directory). */
  onClose?: (() => Promise<void>) | undefined;
};

// SQLSTATE classes that mean "the database is unavailable", not "your statement is wrong".
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|58)/;

/** Maps a driver failure to StorageError unless it is an ordinary SQL error the caller may handle. */
export function toStorageError(error: unknown): StorageError | pg.DatabaseError {
  if (error instanceof StorageError) return error;
  if (error instanceof pg.DatabaseError && !UNAVAILABLE_SQLSTATE.test(error.code ?? '')) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(`Could not reach the database (${reason}).`, { cause: error });
}

/** A Database over a new pg pool for `url`; the pool connects lazily, so this never fails. */
export function openPool(url: string, options: PoolOptions): Database {
  const pool = createPool(url, options);
  let closing: Promise<void> | undefined;
  const query = async <T>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
    try {
      const result = await pool.query(sql, params ? [...params] : undefined);
      return result.rows as T[];
    } catch (error) {
      throw toStorageError(error);
    }
  };
  return {
    url,
    mode: options.mode,
    pool,
    query,
    ping: () =>
      query('SELECT 1').then(
        () => true,
        () => false,
      ),
    close() {
      closing ??= pool.end().then(() => options.onClose?.());
      return closing;
    },
  };
}

function createPool(url: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections,
    connectionTimeoutMillis: options.connectionTimeoutMillis,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // A half-open connection would otherwise hang a query until TCP gives up. Every statement of ours
    // is a single short one; migrations wait for their lock on a client of their own.
    query_timeout: 5_000,
  });
  // pg-pool has already dropped the broken client; the next query opens a fresh one.
  pool.on('error', (error) =>
    options.logger.warn(`Database connection lost (${error.message}); will reconnect.`),
  );
  return pool;
}
