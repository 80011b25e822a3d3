import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** One command run to completion, timed, with the memory of every process it started. */
export type MeasuredRun = {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn → exit, in ms. */
  ms: number;
  /**
   * Peak resident memory in MB: the larger of the highest sum of VmRSS over the whole process tree at
   * one sampling instant and the highest single VmHWM seen (a short spike between two samples).
   */
  peakMb: number;
};

export type RunOptions = { cwd: string; env: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number };

// Often enough to see a CLI call's peak (its memory grows over hundreds of ms), rarely enough to cost little.
const SAMPLE_MS = 10;

/**
 * Runs `command args` and samples /proc for it and its descendants until it exits. Linux only. Children
 * are found through /proc/<pid>/task/<tid>/children, so a process that outlives its parent is not counted.
 */
export async function runMeasured(
  command: string,
  args: string[],
  options: RunOptions,
): Promise<MeasuredRun> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  const exited = new Promise<{ code: number | null; at: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, at: performance.now() }));
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  let done = false;
  let peakKb = 0;
  const sampling = (async () => {
    while (!done && child.pid !== undefined) {
      peakKb = Math.max(peakKb, await sampleTree(child.pid));
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();
  const { code, at } = await exited;
  done = true;
  clearTimeout(timer);
  await Promise.all([sampling, closed]);
  return { code, stdout, stderr, ms: at - started, peakMb: peakKb / 1024 };
}

/** max(Σ VmRSS, max VmHWM) over `pid` and its descendants right now, in kB (0 once it has gone). */
async function sampleTree(pid: number): Promise<number> {
  const pids = await descendants(pid);
  let sum = 0;
  let highest = 0;
  for (const p of pids) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    sum += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    highest = Math.max(highest, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  }
  return Math.max(sum, highest);
}

async function descendants(pid: number): Promise<number[]> {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    const tasks = await readdir(`/proc/${found[i]}/task`).catch(() => [] as string[]);
    for (const tid of tasks) {
      const children = await readFile(`/proc/${found[i]}/task/${tid}/children`, 'utf8').catch(() => '');
      for (const c of children.split(' ')) if (c.trim() !== '') found.push(Number(c));
    }
  }
  return found;
}
