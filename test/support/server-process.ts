import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
// Linux's USER_HZ (the unit of utime/stime in /proc/<pid>/stat): 100 on every mainstream kernel build.
const CLOCK_TICKS = 100;

export type ServerProcessOptions = {
  /** The script node runs, relative to the repository root or absolute. Default `src/server.ts`. */
  entry?: string;
  /** Flags for node itself, before the entry (e.g. `--max-semi-space-size=8`, `--cpu-prof`). */
  nodeArgs?: readonly string[];
  /** Default 30 000. */
  timeoutMs?: number;
  /** How often /healthz is asked during start-up; a short one times the start-up finely. Default 50. */
  pollMs?: number;
  /** Run as this user (the caller must be root): a container's unprivileged user. */
  user?: { uid: number; gid: number };
};

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  /** Spawn → the first /healthz 200, in ms (as fine as `pollMs`). */
  startupMs: number;
  /** Everything the process wrote to stdout and stderr (JSON log lines). */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code once the process has gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** The process's peak resident memory so far (VmHWM), in MB. Linux only (/proc). */
  peakRssMb(): Promise<number>;
  /** CPU time (user + system) the process has used so far, in ms. Linux only (/proc). */
  cpuTimeMs(): Promise<number>;
};

/**
 * A port on 127.0.0.1 nobody listens on right now, chosen at random below the kernel's ephemeral range.
 * Not `listen(0)`: that port comes from the ephemeral range, and between closing it here and the child
 * binding it the kernel may hand it to another worker's `listen(0)` or an outgoing connection
 * (EADDRINUSE in CI). Below the range only another caller of this function could take it.
 */
export async function findFreePort(): Promise<number> {
  const [low] = await readEphemeralRange();
  const from = Math.min(15_000, low - 1_000);
  for (let tries = 0; ; tries++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (await isFree(port)) return port;
    if (tries === 100) throw new Error(`no free port found in ${from}-${low - 1}`);
  }
}

/** The kernel's ephemeral port range, [low, high] (Linux; its usual default where /proc is absent). */
export async function readEphemeralRange(): Promise<[number, number]> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const [low = 32768, high = 60999] = text.trim().split(/\s+/).map(Number);
  return [low, high];
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts the server (`node src/server.ts` unless `options.entry` says otherwise) as its own process on a
 * free port and waits until /healthz answers 200.
 */
export async function startServerProcess(
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const { entry = 'src/server.ts', nodeArgs = [], timeoutMs = 30_000, pollMs = 50, user } = options;
  const port = await findFreePort();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  // Always drained: a full pipe would stall the server.
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited during start-up: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not healthy within ${timeoutMs} ms: ${output}`);
    }
    const response = await fetch(`${url}/healthz`).catch(() => undefined);
    if (response?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return {
    url,
    child,
    startupMs: performance.now() - started,
    output: () => output,
    stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      child.kill(signal);
      return closed;
    },
    peakRssMb: () => readPeakRssMb(child),
    cpuTimeMs: () => readCpuTimeMs(child),
  };
}

async function readPeakRssMb(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

async function readCpuTimeMs(child: ChildProcess): Promise<number> {
  const text = await readFile(`/proc/${child.pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
