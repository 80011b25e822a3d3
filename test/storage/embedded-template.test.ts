import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDataFolder, templatePath } from '../../src/storage/embedded-template.ts';
import { migrate } from '../../src/storage/migrations.ts';
import { recordingLogger, useCleanups } from './database-fixtures.ts';

const { open, tempDir } = useCleanups();

describe('a new embedded data folder', () => {
  it('is a copy of the cached template (which npm install prepares)', async () => {
    const pgdata = path.join(await tempDir(), 'pglite');
    const logger = recordingLogger();
    await prepareDataFolder(pgdata, logger);
    const template = await templatePath();
    expect(existsSync(path.join(template, 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(true);
    expect(template).toMatch(/node_modules\/\.cache\/orderstatus\/pglite-[\d.]+-schema-[0-9a-f]{8}$/);
  });

  it('holds the schema and the postgres database only: its first open migrates nothing', async () => {
    const db = await open({ dataDir: await tempDir() });
    expect(await migrate(db)).toEqual([]);
    expect(await db.query('SELECT datname FROM pg_database')).toEqual([{ datname: 'postgres' }]);
  });

  // initdb itself, in a child process: the slow path (seconds of CPU) that the template exists to avoid.
  it('is initialised in place, in a child process, when the template cache cannot be written', {
    timeout: 120_000,
  }, async () => {
    const dir = await tempDir();
    const notAFolder = path.join(dir, 'cache-is-a-file');
    await writeFile(notAFolder, '');
    const pgdata = path.join(dir, 'pglite');
    const logger = recordingLogger();
    await prepareDataFolder(pgdata, logger, path.join(notAFolder, 'orderstatus'));
    expect(existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(true);
    expect(logger.lines.join('\n')).toContain('the template cache is not writable');
  });
});
