/**
 * One step of the schema. Each step is idempotent (IF NOT EXISTS), so re-running one that a crash
 * interrupted is safe; `schema_migrations` records what has run. A new step is a new file here, added to
 * index.ts.
 */
export type Migration = { version: number; name: string; sql: readonly string[] };
