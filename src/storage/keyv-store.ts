import { KeyvPostgres } from '@keyv/postgres';
import Keyv from 'keyv';
import type { Database } from './database.ts';

export type KeyvStoreOptions = {
  /** Prefix of every key (`<namespace>:<key>`); tests use a unique one each. Default `orderstatus`. */
  namespace?: string | undefined;
  /** Called for every store failure; the failing call also rejects (`throwOnErrors`). */
  onError?: ((error: unknown) => void) | undefined;
};

/** The table @keyv/postgres reads and writes. Migration 1 creates it; the adapter never does. */
export const KEYV_TABLE = 'keyv';

/**
 * Keyv over @keyv/postgres, running every statement on the Database's own pool (which has an 'error'
 * listener) instead of the adapter's module-level pool (which has none, so a dropped idle connection
 * would crash the process). `throwOnErrors` makes an outage reject instead of reading as "missing".
 * The table must exist (every process migrates or checks the schema before using the store).
 */
export function createKeyvStore(db: Database, options: KeyvStoreOptions = {}): Keyv<unknown> {
  const onError = options.onError ?? (() => undefined);
  // Keyv subscribes to the adapter's 'error' events in its constructor and re-emits them here.
  const keyv = new Keyv<unknown>({
    store: new PoolKeyvPostgres(db),
    namespace: options.namespace ?? 'orderstatus',
    throwOnErrors: true,
  });
  keyv.on('error', (error: unknown) => onError(error));
  return keyv;
}

/**
 * @keyv/postgres 2.x has no option to skip creating its table: its constructor calls `connect()` once,
 * runs its CREATE TABLE through the runner that returns, and sends every later statement through
 * `this.query`. Here `this.query` is the Database's, and `connect()` hands the constructor a runner that
 * runs nothing, so the table stays the migrations' alone and construction touches no database.
 */
class PoolKeyvPostgres extends KeyvPostgres {
  constructor(db: Database) {
    // No uri: nothing connects through the adapter, and a URL with a password has no business in opts.
    super({ table: KEYV_TABLE, schema: 'public' });
    this.query = (sql, values?: readonly unknown[]) => db.query(sql, values);
  }

  override async connect() {
    return async () => [];
  }

  // The pool belongs to the Database; `Database.close()` ends it.
  override async disconnect() {}
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
