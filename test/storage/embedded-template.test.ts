import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR, prepareDataFolder, templatePath } from '../../src/storage/embedded-template.ts';
import { recordingLogger, useCleanups } from './database-fixtures.ts';

const { tempDir } = useCleanups();

describe('a new embedded data folder', () => {
  it('is a copy of the cached template (which npm install prepares)', async () => {
    const pgdata = path.join(await tempDir(), 'pglite');
    const logger = recordingLogger();
    await prepareDataFolder(pgdata, logger);
    expect(existsSync(path.join(await templatePath(), 'PG_VERSION'))).toBe(true);
    expect(existsSync(path.join(pgdata, 'PG_VERSION'))).toBe(true);
    expect(CACHE_DIR).toMatch(/node_modules\/\.cache\/orderstatus$/);
  });

  it('is initialised in place, in a child process, when the template cache cannot be written', async () => {
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
