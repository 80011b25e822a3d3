import { KeyvPostgres } from '@keyv/postgres';
import Keyv from 'keyv';
import pg from 'pg';
import type { Database } from './database.ts';

export type KeyvStoreOptions = {
  /** Prefix of every key (`<namespace>:<key>`); tests use a unique one each. Default `orderstatus`. */
  namespace?: string | undefined;
  /** Called for every store failure; the failing call also rejects (`throwOnErrors`). */
  onError?: ((error: unknown) => void) | undefined;
};

/** The table @keyv/postgres reads and writes; created on first use, not at construction. */
export const KEYV_TABLE = 'keyv';
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS public.${KEYV_TABLE} (key VARCHAR(255) PRIMARY KEY, value TEXT)`;
// Two processes creating the table at once: one wins, the other sees a duplicate table or type.
const ALREADY_CREATED = new Set(['42P07', '23505']);

type Query = (sql: string, values?: readonly unknown[]) => Promise<unknown[]>;

/**
 * Keyv over @keyv/postgres, running every statement on the Database's own pool (which has an 'error'
 * listener) instead of the adapter's module-level pool (which has none, so a dropped idle connection
 * would crash the process). `throwOnErrors` makes an outage reject instead of reading as "missing".
 */
export function createKeyvStore(db: Database, options: KeyvStoreOptions = {}): Keyv<unknown> {
  const adapter = createPoolAdapter(db);
  const onError = options.onError ?? (() => undefined);
  // Keyv forwards adapter errors to its own 'error' event (reported once, below). This listener only
  // keeps the adapter's EventEmitter from throwing if it ever emits before Keyv subscribes.
  adapter.on('error', () => undefined);
  const keyv = new Keyv<unknown>({
    store: adapter,
    namespace: options.namespace ?? 'orderstatus',
    throwOnErrors: true,
  });
  keyv.on('error', (error: unknown) => onError(error));
  return keyv;
}

function createPoolAdapter(db: Database): KeyvPostgres {
  let tableReady: Promise<void> | undefined;
  const ensureTable = () => {
    tableReady ??= db.query(CREATE_TABLE).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof pg.DatabaseError && ALREADY_CREATED.has(error.code ?? '')) return;
        tableReady = undefined; // the database was down: try again on the next call
        throw error;
      },
    );
    return tableReady;
  };
  const query: Query = async (sql, values) => {
    await ensureTable();
    return db.query(sql, values);
  };

  // Declared here so `connect()` closes over `query`: KeyvPostgres calls `this.connect()` from its
  // constructor, before any field of a subclass would be initialised.
  class PoolKeyvPostgres extends KeyvPostgres {
    override async connect() {
      return async (sql: string, values?: readonly unknown[]) => {
        // The constructor's own CREATE TABLE runs once, eagerly, and is never retried when the
        // database is down at start-up; `ensureTable` does the same lazily and retries.
        if (/^CREATE\b/i.test(sql.trimStart())) return [];
        return query(sql, values);
      };
    }

    // The pool belongs to the Database; `Database.close()` ends it.
    override async disconnect() {}
  }

  // No uri: connect() is overridden, and a URL with a password has no business in adapter.opts.
  return new PoolKeyvPostgres({ table: KEYV_TABLE, schema: 'public' });
}

type RawIterable = { iterator(namespace?: string): AsyncIterable<[string, string]> };

/**
 * Every entry whose key starts with `prefix` (inside the Keyv namespace), as [key without prefix,
 * deserialised value]. A row that does not deserialise comes back as `undefined` for the caller to
 * judge: Keyv's own iterator would stop at the first corrupt row.
 */
export async function listEntries(keyv: Keyv<unknown>, prefix: string): Promise<Array<[string, unknown]>> {
  const adapter: unknown = keyv.store;
  if (typeof (adapter as Partial<RawIterable> | undefined)?.iterator !== 'function') {
    throw new Error('This store cannot list its records.');
  }
  // @keyv/postgres's iterator reports a failed page as an 'error' event and just stops.
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  keyv.on('error', onError);
  const full = `${keyv.namespace ? `${keyv.namespace}:` : ''}${prefix}`;
  const entries: Array<[string, unknown]> = [];
  try {
    for await (const [key, raw] of (adapter as RawIterable).iterator(keyv.namespace)) {
      if (!key.startsWith(full)) continue;
      const value = await (async () => keyv.deserialize?.(raw))().catch(() => undefined);
      entries.push([key.slice(full.length), (value as { value?: unknown } | undefined)?.value]);
    }
  } finally {
    keyv.off('error', onError);
  }
  if (failure !== undefined) throw failure;
  return entries;
}
