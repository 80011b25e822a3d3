import Keyv, { type KeyvStoreAdapter, type StoredData } from 'keyv';
import type { Database } from './database.ts';

export type KeyvStoreOptions = {
  /** Prefix of every key (`<namespace>:<key>`); tests use a unique one each. Default `orderstatus`. */
  namespace?: string | undefined;
  /** Called for every store failure; the failing call also rejects (`throwOnErrors`). */
  onError?: ((error: unknown) => void) | undefined;
};

/** The table the store reads and writes. Migration 1 creates it; the store never does. */
export const KEYV_TABLE = 'keyv';
const TABLE = `public.${KEYV_TABLE}`;
/** Rows per page when listing. */
const PAGE = 100;

/**
 * Keyv over the Database's own pool, through Keyv's public store-adapter interface. Not @keyv/postgres:
 * it runs every statement on a module-level pg pool of its own that takes no 'error' listener and
 * offers none to add, so a dropped idle connection would crash the process; its only documented way
 * round that (`maxUses: 1`) opens a connection per operation. The table keeps @keyv/postgres's layout
 * (`key VARCHAR(255) PRIMARY KEY, value TEXT`). `throwOnErrors` makes an outage reject instead of
 * reading as "missing". The table must exist (every process migrates or checks the schema first).
 */
export function createKeyvStore(db: Database, options: KeyvStoreOptions = {}): Keyv<unknown> {
  const onError = options.onError ?? (() => undefined);
  const keyv = new Keyv<unknown>({
    store: createTableStore(db),
    namespace: options.namespace ?? 'orderstatus',
    throwOnErrors: true,
  });
  keyv.on('error', (error: unknown) => onError(error));
  return keyv;
}

type TableStore = KeyvStoreAdapter & {
  /** Every [key, stored text] whose key starts with `prefix`, in key order. */
  rows(prefix: string): AsyncGenerator<[string, string], void>;
  /** Sets `key` to `value` only while the stored value's `field` equals `expected`; false otherwise. */
  replaceIf(key: string, field: string, expected: string, value: string): Promise<boolean>;
};

function createTableStore(db: Database): TableStore {
  const store: TableStore = {
    // Keyv offers its own iterator over a store of this dialect.
    opts: { dialect: 'postgres', table: KEYV_TABLE },
    // Failures reject (Keyv passes them on); the store emits nothing, so there is nothing to listen to.
    on: () => store,
    // The text Keyv serialised: Keyv deserialises what a store gives back as text.
    async get<Value>(key: string) {
      const rows = await db.query<{ value: string }>(`SELECT value FROM ${TABLE} WHERE key = $1`, [key]);
      return rows[0]?.value as StoredData<Value>;
    },
    async set(key: string, value: string) {
      await db.query(
        `INSERT INTO ${TABLE} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [key, value],
      );
    },
    async delete(key: string) {
      const rows = await db.query(`DELETE FROM ${TABLE} WHERE key = $1 RETURNING key`, [key]);
      return rows.length > 0;
    },
    async clear() {
      await db.query(`DELETE FROM ${TABLE} WHERE starts_with(key, $1)`, [prefixOf(store.namespace)]);
    },
    iterator: (namespace?: string) => store.rows(prefixOf(namespace)),
    async *rows(prefix) {
      let after = '';
      for (;;) {
        const rows = await db.query<{ key: string; value: string }>(
          `SELECT key, value FROM ${TABLE} WHERE starts_with(key, $1) AND key > $2 ORDER BY key LIMIT ${PAGE}`,
          [prefix, after],
        );
        for (const row of rows) yield [row.key, row.value];
        const last = rows.at(-1);
        if (last === undefined || rows.length < PAGE) return;
        after = last.key;
      }
    },
    async replaceIf(key, field, expected, value) {
      const rows = await db.query(
        `UPDATE ${TABLE} SET value = $2 WHERE key = $1 AND value::jsonb -> 'value' ->> $3 = $4 RETURNING key`,
        [key, value, field, expected],
      );
      return rows.length > 0;
    },
  };
  return store;
}

function prefixOf(namespace: string | undefined): string {
  return namespace ? `${namespace}:` : '';
}

function tableStoreOf(keyv: Keyv<unknown>): TableStore {
  const store: unknown = keyv.store;
  if (typeof (store as Partial<TableStore> | undefined)?.replaceIf !== 'function') {
    throw new Error('This Keyv was not made by createKeyvStore.');
  }
  return store as TableStore;
}

/**
 * Keyv has no compare-and-set: sets `key` to `value` (stored as `keyv.set` stores it, with no expiry)
 * in one statement, only while the stored value's `field` still equals `expected`. False when another
 * write got there first, or the entry is gone.
 */
export async function setIfUnchanged(
  keyv: Keyv<unknown>,
  key: string,
  unchanged: { field: string; expected: string },
  value: unknown,
): Promise<boolean> {
  const store = tableStoreOf(keyv);
  const serialized = await keyv.serialize?.({ value, expires: undefined });
  if (typeof serialized !== 'string') throw new Error('This Keyv does not serialise to text.');
  return store.replaceIf(
    `${prefixOf(keyv.namespace)}${key}`,
    unchanged.field,
    unchanged.expected,
    serialized,
  );
}

/**
 * Every entry whose key starts with `prefix` (inside the Keyv namespace), as [key without prefix,
 * deserialised value]. A row that does not deserialise comes back as `undefined` for the caller to
 * judge: Keyv's own iterator would stop at the first corrupt row.
 */
export async function listEntries(keyv: Keyv<unknown>, prefix: string): Promise<Array<[string, unknown]>> {
  const full = `${prefixOf(keyv.namespace)}${prefix}`;
  const entries: Array<[string, unknown]> = [];
  for await (const [key, raw] of tableStoreOf(keyv).rows(full)) {
    const value = await (async () => keyv.deserialize?.(raw))().catch(() => undefined);
    entries.push([key.slice(full.length), (value as { value?: unknown } | undefined)?.value]);
  }
  return entries;
}
