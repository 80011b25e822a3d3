import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { probeTestDatabase } from '../support/postgres.ts';

const databaseUrl = await probeTestDatabase();
const DATABASE_MODULE = new URL('../../src/storage/database.ts', import.meta.url).href;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-db-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function open(options: Parameters<typeof openDatabase>[0]): Promise<Database> {
  const db = await openDatabase(options);
  cleanups.push(() => db.close());
  return db;
}

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    info: () => undefined,
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 999_999;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify({ pid: 1, port: 1 }));
    const logger = recordingLogger();
    const db = await open({ dataDir, logger });
    expect(await db.ping()).toBe(true);
    expect(JSON.parse(await readFile(path.join(dataDir, 'lock'), 'utf8')).pid).toBe(process.pid);
    expect(logger.lines.join('\n')).toMatch(/Taking over/);
  });

  it('names the live owner that does not answer, in one line', async () => {
    const dataDir = await tempDir();
    const port = await closedPort();
    await writeFile(path.join(dataDir, 'lock'), JSON.stringify({ pid: process.ppid, origin: 1 }));
    await writeFile(path.join(dataDir, 'server.json'), JSON.stringify({ pid: process.ppid, port }));
    const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(`held by process ${process.ppid}`);
    expect((error as Error).message).not.toContain('\n');
    expect(existsSync(path.join(dataDir, 'lock'))).toBe(true); // not ours to remove
  });
});

describe.skipIf(!databaseUrl)('postgres database', () => {
  it('survives the server killing its connections, and the next query reconnects', async () => {
    const application = `kill-test-${randomBytes(4).toString('hex')}`;
    const url = new URL(databaseUrl ?? '');
    url.searchParams.set('application_name', application);
    const logger = recordingLogger();
    const db = await open({ databaseUrl: url.toString(), dataDir: await tempDir(), logger });
    await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT pg_sleep(0.05)')));
    expect(db.pool.idleCount).toBeGreaterThan(0);

    const lost = new Promise((resolve) => db.pool.once('error', resolve));
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const killed = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [application],
    );
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);
    // Every killed connection reports on its own; wait until the pool has dropped them all.
    await lost;
    for (let i = 0; i < 50 && db.pool.totalCount > 0; i++) await new Promise((r) => setTimeout(r, 20));

    expect(await db.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    expect(logger.lines.join('\n')).toMatch(/connection lost/);
  });

  it('passes SQL errors through for the caller to handle', async () => {
    const db = await open({ databaseUrl: databaseUrl ?? '', dataDir: await tempDir() });
    const error = await db.query('SELECT * FROM no_such_table_here').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect((error as pg.DatabaseError).code).toBe('42P01');
  });
});

describe('unreachable database', () => {
  it('rejects quickly with StorageError when nothing listens', async () => {
    const db = await open({
      databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/x`,
      dataDir: '/none',
    });
    const started = Date.now();
    expect(await db.ping()).toBe(false);
    await expect(db.query('SELECT 1')).rejects.toBeInstanceOf(StorageError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('gives up after connectionTimeoutMillis when the server accepts but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as net.AddressInfo;
    const db = await open({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/x`, dataDir: '/none' });
    const started = Date.now();
    const error = await db.query('SELECT 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toMatch(/Could not reach the database/);
    expect(Date.now() - started).toBeGreaterThan(2_500); // the default connectionTimeoutMillis is 3 s
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
