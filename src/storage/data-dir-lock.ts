import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import type { StorageLogger } from './pool.ts';

/**
 * One process owns an embedded data directory: it holds `lock` and announces in `server.json` that it
 * serves the database on the folder's Unix socket. Every other process (a second server, the CLI)
 * connects through it.
 */
export type DataDirFiles = { dir: string; lock: string; server: string };

const PidSchema = v.pipe(v.number(), v.integer(), v.minValue(1));
// `origin` (performance.timeOrigin) tells this process from an earlier one that had the same pid.
const LockInfoSchema = v.object({ pid: PidSchema, origin: v.number() });
const ServerInfoSchema = v.object({ pid: PidSchema, socket: v.pipe(v.string(), v.nonEmpty()) });
export type LockInfo = v.InferOutput<typeof LockInfoSchema>;
type ServerInfo = v.InferOutput<typeof ServerInfoSchema>;

/** Where the lock stands after one attempt to take it. */
export type DataDirClaim =
  | { state: 'ours' }
  | { state: 'serving'; owner: LockInfo; socket: string }
  /** The owner is still starting (or the lock is half-written): its server.json is not there yet. */
  | { state: 'starting'; owner: LockInfo | undefined };

export function dataDirFiles(dir: string): DataDirFiles {
  return { dir, lock: path.join(dir, 'lock'), server: path.join(dir, 'server.json') };
}

/** Takes the lock, first taking it over from an owner that is gone; otherwise says who holds it. */
export async function claimDataDir(files: DataDirFiles, logger: StorageLogger): Promise<DataDirClaim> {
  for (;;) {
    if (await tryCreateLock(files.lock)) return { state: 'ours' };
    const owner = await readJson(files.lock, LockInfoSchema);
    if (owner && !isOwnerAlive(owner)) {
      logger.warn(`Taking over ${files.dir}: process ${owner.pid} that held it is gone.`);
      await removeStaleLock(files.lock, owner);
      continue;
    }
    const server = await readJson(files.server, ServerInfoSchema);
    if (owner && server && server.pid === owner.pid)
      return { state: 'serving', owner, socket: server.socket };
    return { state: 'starting', owner };
  }
}

/** Announces the socket this process (the lock's owner) serves the database on; appears complete or not at all. */
export async function announceServer(files: DataDirFiles, socket: string): Promise<void> {
  const info: ServerInfo = { pid: process.pid, socket };
  const temp = `${files.server}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(info), { mode: 0o600 });
  await rename(temp, files.server);
}

/** Withdraws the announcement first (before the server stops), so nobody connects to a closing socket. */
export async function withdrawServer(files: DataDirFiles): Promise<void> {
  await rm(files.server, { force: true });
}

export async function releaseLock(files: DataDirFiles): Promise<void> {
  await rm(files.lock, { force: true });
}

export function isOwnerAlive(owner: LockInfo): boolean {
  // Same pid but another process start: a restarted container (pid 1 again) after a crash.
  if (owner.pid === process.pid) return owner.origin === performance.timeOrigin;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock content appears complete or not at all: written to a temp file, then hard-linked in place. */
async function tryCreateLock(lockPath: string): Promise<boolean> {
  const temp = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const info: LockInfo = { pid: process.pid, origin: performance.timeOrigin };
  await writeFile(temp, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
  try {
    await link(temp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function removeStaleLock(lockPath: string, stale: LockInfo): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readJson(aside, LockInfoSchema);
  // Another process took over between our read and our rename: put its live lock back.
  if (moved?.pid !== stale.pid || moved.origin !== stale.origin)
    await link(aside, lockPath).catch(() => undefined);
  await rm(aside, { force: true });
}

async function readJson<T>(file: string, schema: v.GenericSchema<unknown, T>): Promise<T | undefined> {
  try {
    const parsed = v.safeParse(schema, JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}
