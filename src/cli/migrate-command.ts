import type { CliCommand } from './command.ts';

/** `orderstatus migrate`: creates or upgrades the schema (idempotent; concurrent runs queue). */
export const migrateCommand: CliCommand = {
  flags: [],
  migrates: true,
  prepare: (_values, _action, io) => async (services) => {
    const { SCHEMA_VERSION } = await import('../storage/migrations.ts');
    io.out(`database schema is at version ${SCHEMA_VERSION} (${services.databaseMode})`);
    return 0;
  },
};
