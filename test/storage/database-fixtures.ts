import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach } from 'vitest';
import { type Database, openDatabase } from '../../src/storage/database.ts';

/**
 * Temp directories and databases that are removed and closed after each test (in reverse order);
 * `defer` adds any other cleanup.
 */
export function useCleanups() {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    defer(cleanup: () => Promise<unknown>): void {
      cleanups.push(cleanup);
    },
    async tempDir(): Promise<string> {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-db-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
    async open(options: Parameters<typeof openDatabase>[0]): Promise<Database> {
      const db = await openDatabase(options);
      cleanups.push(() => db.close());
      return db;
    },
  };
}

export function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    info: () => undefined,
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
}

/** The pid of a process that has exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 999_999;
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `databaseUrl` with an application name of its own, and a function that has the server terminate
 * every connection made under that name (as a restart or failover would): it resolves once one of
 * `pool`'s idle connections has reported its loss, with how many were terminated.
 */
export function killableUrl(databaseUrl: string) {
  const application = `kill-test-${randomBytes(4).toString('hex')}`;
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', application);
  return {
    url: url.toString(),
    async kill(pool: pg.Pool): Promise<number> {
      const lost = new Promise((resolve) => pool.once('error', resolve));
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        const killed = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
          [application],
        );
        if (killed.rowCount) await lost;
        return killed.rowCount ?? 0;
      } finally {
        await admin.end();
      }
    },
  };
}
