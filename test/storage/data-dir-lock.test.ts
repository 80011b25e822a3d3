import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  announceServer,
  claimDataDir,
  dataDirFiles,
  releaseLock,
  withdrawServer,
} from '../../src/storage/data-dir-lock.ts';
import { deadPid, recordingLogger, useCleanups } from './database-fixtures.ts';

const { tempDir } = useCleanups();

describe('data directory lock', () => {
  it('is taken by the first claim; later claims see the owner starting, then serving, until release', async () => {
    const files = dataDirFiles(await tempDir());
    const logger = recordingLogger();
    expect(await claimDataDir(files, logger)).toEqual({ state: 'ours' });
    const lock = JSON.parse(await readFile(files.lock, 'utf8'));
    expect(lock).toEqual({ pid: process.pid, origin: performance.timeOrigin });

    expect(await claimDataDir(files, logger)).toEqual({ state: 'starting', owner: lock });
    await announceServer(files, '/data/.s.PGSQL.5432');
    expect(await claimDataDir(files, logger)).toEqual({
      state: 'serving',
      owner: lock,
      socket: '/data/.s.PGSQL.5432',
    });
    await withdrawServer(files);
    expect(await claimDataDir(files, logger)).toEqual({ state: 'starting', owner: lock });

    await releaseLock(files);
    expect(existsSync(files.lock)).toBe(false);
    expect(await claimDataDir(files, logger)).toEqual({ state: 'ours' });
    expect(logger.lines).toEqual([]);
  });

  it('ignores a server.json announced by a process other than the owner', async () => {
    const files = dataDirFiles(await tempDir());
    await writeFile(files.lock, JSON.stringify({ pid: process.ppid, origin: 1 }));
    await writeFile(files.server, JSON.stringify({ pid: process.ppid + 1, socket: '/data/.s.PGSQL.5432' }));
    expect(await claimDataDir(files, recordingLogger())).toEqual({
      state: 'starting',
      owner: { pid: process.ppid, origin: 1 },
    });
  });

  it('treats an unreadable lock as an owner still writing it, never as stale', async () => {
    const files = dataDirFiles(await tempDir());
    await writeFile(files.lock, '{"pid":');
    expect(await claimDataDir(files, recordingLogger())).toEqual({ state: 'starting', owner: undefined });
    expect(await readFile(files.lock, 'utf8')).toBe('{"pid":');
  });

  it('takes over from an owner that is gone, and from an earlier process that had our pid', async () => {
    for (const stale of [
      { pid: await deadPid(), origin: 1 },
      { pid: process.pid, origin: performance.timeOrigin - 1 },
    ]) {
      const files = dataDirFiles(await tempDir());
      await writeFile(files.lock, JSON.stringify(stale));
      const logger = recordingLogger();
      expect(await claimDataDir(files, logger)).toEqual({ state: 'ours' });
      expect(JSON.parse(await readFile(files.lock, 'utf8'))).toEqual({
        pid: process.pid,
        origin: performance.timeOrigin,
      });
      expect(logger.lines).toEqual([`Taking over ${files.dir}: process ${stale.pid} that held it is gone.`]);
    }
  });
});
