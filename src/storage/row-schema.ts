import type { CamelCasedProperties } from 'type-fest';
import * as v from 'valibot';

/**
 * What each table's one row type (a valibot schema of every column) is built from, and the views of it
 * a reader takes, so that what a reader sees is derived from the row rather than described again: fewer
 * values where a WHERE leaves some out, or the row's columns under camelCase names above storage.
 */

// pg reads TIMESTAMPTZ as a Date; a string (another driver, a JSON round trip) is read as the same instant.
export const Timestamp = v.pipe(
  v.union([v.date(), v.string()]),
  v.transform((value) => new Date(value)),
);

/** The column list of a SELECT for `columns` (names from a row type only). */
export const selectList = <Column extends string>(columns: readonly Column[]): string => columns.join(', ');

/** `Row` with some columns known to hold fewer values (a WHERE that leaves some out). */
export type Narrowed<Row, Changes extends { [K in keyof Row]?: Row[K] }> = Omit<Row, keyof Changes> & Changes;

/** The columns under their camelCase names (`workspace_id` → `workspaceId`). */
export type Camelized<Row> = CamelCasedProperties<Row>;

/**
 * A row under its columns' camelCase names, NULL as undefined: the one mapping from a table's (checked)
 * row to what the layers above storage see, instead of a hand-written copy of the columns per reader.
 */
export function camelRow<Row extends Record<string, unknown>>(row: Row): Camelized<Unnulled<Row>> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    out[column.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())] =
      value ?? undefined;
  }
  return out as Camelized<Unnulled<Row>>;
}

/** SQL's NULL as JavaScript's undefined, column by column. */
export type Unnulled<Row> = {
  [K in keyof Row]: Exclude<Row[K], null> | (null extends Row[K] ? undefined : never);
};
