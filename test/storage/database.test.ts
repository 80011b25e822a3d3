import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/storage-error.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { closedPort, killableUrl, recordingLogger, useCleanups } from './database-fixtures.ts';

const databaseUrl = await probeTestDatabase();
const { defer, open, tempDir } = useCleanups();

describe.skipIf(!databaseUrl)('postgres database', () => {
  it('survives the server killing its connections, and the next query reconnects', async () => {
    const { url, kill } = killableUrl(databaseUrl ?? '');
    const logger = recordingLogger();
    const db = await open({ databaseUrl: url, dataDir: await tempDir(), logger });
    await Promise.all(Array.from({ length: 4 }, () => db.query('SELECT pg_sleep(0.05)')));
    expect(db.pool.idleCount).toBeGreaterThan(0);

    expect(await kill(db.pool)).toBeGreaterThan(0);
    // Every killed connection reports on its own; wait until the pool has dropped them all.
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
    expect(Date.now() - started).toBeLessThan(15_000); // refused, not hanging on a connection
  });

  it('gives up after connectionTimeoutMillis when the server accepts but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    defer(async () => {
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
