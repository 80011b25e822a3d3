import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { deadPid, recordingLogger, useCleanups } from './database-fixtures.ts';

const DATABASE_MODULE = new URL('../../src/storage/database.ts', import.meta.url).href;
const { open, tempDir } = useCleanups();

describe('embedded database', () => {
  it('persists across close and reopen, and releases the data directory on close', async () => {
    const dataDir = await tempDir();
    const first = await openDatabase({ dataDir });
    expect(first.mode).toBe('embedded');
    expect(existsSync(path.join(dataDir, 'lock'))).toBe(true);
    expect(JSON.parse(await readFile(path.join(dataDir, 'server.json'), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    await first.query('CREATE TABLE notes (id int PRIMARY KEY, body text)');
    await first.query('INSERT INTO notes VALUES ($1, $2)', [1, 'kept']);
    await first.close();
    await first.close(); // idempotent
    expect(existsSync(path.join(dataDir, 'lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'server.json'))).toBe(false);

    const second = await open({ dataDir });
    expect(await second.query('SELECT body FROM notes WHERE id = $1', [1])).toEqual([{ body: 'kept' }]);
    expect(await second.ping()).toBe(true);
  });

  describe('shared by one owner', () => {
    let dataDir: string;
    let owner: Database;
    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-db-'));
      owner = await openDatabase({ dataDir });
      await owner.query('CREATE TABLE shared (v text)');
    });
    afterAll(async () => {
      await owner?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('answers parameterised statements from several pool connections correctly', async () => {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          owner.query<{ v: string; n: number }>('SELECT $1::text AS v, $2::int AS n', [`v${i}`, i]),
        ),
      );
      for (const [i, rows] of results.entries()) expect(rows).toEqual([{ v: `v${i}`, n: i }]);
    });

    it('lets a second opener in this process use the owner’s socket instead of the directory', async () => {
      const client = await openDatabase({ dataDir });
      expect(client.url).toBe(owner.url);
      await client.query('INSERT INTO shared VALUES ($1)', ['from client']);
      expect(await owner.query('SELECT v FROM shared WHERE v = $1', ['from client'])).toHaveLength(1);
      await client.close();
      expect(existsSync(path.join(dataDir, 'lock'))).toBe(true); // only the owner releases it
      expect(await owner.ping()).toBe(true);
    });

    it('lets another process (the CLI next to the server) connect through the owner', async () => {
      await owner.query("INSERT INTO shared VALUES ('from owner')");
      const script = `
        const { openDatabase } = await import(${JSON.stringify(DATABASE_MODULE)});
        const db = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
        const rows = await db.query("SELECT v FROM shared WHERE v = 'from owner'");
        await db.query("INSERT INTO shared VALUES ('from cli')");
        console.log(JSON.stringify({ url: db.url, rows }));
        await db.close();`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
      expect(JSON.parse(stdout)).toEqual({ url: owner.url, rows: [{ v: 'from owner' }] });
      expect(await owner.query("SELECT v FROM shared WHERE v = 'from cli'")).toHaveLength(1);
    });
  });

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, 'lock'), JSON.stringify({ pid: await deadPid(), origin: 1 }));
    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify({ pid: 1, socket: '/nowhere' }));
    const logger = recordingLogger();
    const db = await open({ dataDir, logger });
    expect(await db.ping()).toBe(true);
    expect(JSON.parse(await readFile(path.join(dataDir, 'lock'), 'utf8')).pid).toBe(process.pid);
    expect(logger.lines.join('\n')).toMatch(/Taking over/);
  });

  it('names the live owner that does not answer, in one line', async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, 'lock'), JSON.stringify({ pid: process.ppid, origin: 1 }));
    const socket = path.join(dataDir, '.s.PGSQL.5432'); // nothing listens there
    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify({ pid: process.ppid, socket }));
    const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(`held by process ${process.ppid}`);
    expect((error as Error).message).not.toContain('\n');
    expect(existsSync(path.join(dataDir, 'lock'))).toBe(true); // not ours to remove
  });
});
