/**
 * `npm run bench [-- --n 1000 --c 50 --slow-n 200 --verbose --no-record --cpu-prof-dir DIR --node-arg=--flag]`
 *
 * A benchmark, not a test. Builds the server the way `npm start` does (tsc, into node_modules/.cache) and
 * runs it as a child process on Postgres (TEST_DATABASE_URL or DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test, migrated here, a fresh ENCRYPTION_KEY), with the fake Slack API
 * and fake Kaleyra of test/support running in a worker thread of this process. One run measures:
 *   - ack latency (p50/p99/max) of N signed slash commands with distinct references at concurrency C;
 *   - end-to-end throughput (commands/s until every outcome reached the fake response_url), with the
 *     default rate limit (80/s per business number) and with the limit lifted (the app's own ceiling);
 *   - a baseline: bare POSTs straight to the same fake Kaleyra at the same concurrency;
 *   - ack latency while Kaleyra takes 5 s to answer each send (a smaller N);
 *   - lost and duplicate sends and outcomes; the server's peak RSS (VmHWM) and CPU time per command;
 *   - cold start (spawn → /healthz 200) on Postgres and on the embedded database (fresh and existing).
 * Prints one table and appends a dated row to BENCHMARKS.md (unless --no-record).
 * --cpu-prof-dir writes a V8 CPU profile of every server started; --node-arg passes a flag to its node.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openServices } from '../src/services/open-services.ts';
import { startFakeKaleyra } from '../test/support/fake-kaleyra.ts';
import { startFakeSlack } from '../test/support/fake-slack.ts';
import { signSlackRequest, slashCommandBody } from '../test/support/slack-request.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Inside node_modules, so the build resolves the project's dependencies and never touches dist/.
const BUILD_DIR = path.join(root, 'node_modules', '.cache', 'orderstatus-bench');
const SIGNING_SECRET = 'bench-signing-secret-0000000000';
const BOT_TOKEN = 'xoxb-bench-token-0000';
const CUSTOMER = '+919876543210';
const DEFAULT_LIMIT = 80;
// Linux's USER_HZ (the unit of utime/stime in /proc/<pid>/stat): 100 on every mainstream kernel build.
const CLOCK_TICKS = 100;

const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    c: { type: 'string', default: '50' },
    'slow-n': { type: 'string', default: '200' },
    'cpu-prof-dir': { type: 'string' },
    'node-arg': { type: 'string', multiple: true },
    'no-record': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const N = positive(flags.n, '--n');
const C = positive(flags.c, '--c');
const SLOW_N = positive(flags['slow-n'], '--slow-n');
// What production runs with (package.json start, Procfile, Dockerfile, manifests/deployment.yaml).
const PRODUCTION_NODE_ARGS = ['--max-semi-space-size=8'];
const NODE_ARGS = flags['node-arg'] ?? PRODUCTION_NODE_ARGS;
const DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const RUN = randomBytes(3).toString('hex').toUpperCase();

function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return n;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const log = (line: string) => process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------- the fakes, in a worker thread

/**
 * The fake Slack API and fake Kaleyra run in a worker thread of this process: their work shares the
 * machine's two cores like everything else, but never delays the load generator's own event loop (and
 * so never inflates a measured ack latency).
 */
type Fakes = {
  slackUrl: string;
  kaleyraUrl: string;
  responseUrl(id: string): string;
  /** From now on Kaleyra answers 202 after `delayMs` (0: at once). */
  setKaleyraDelay(delayMs: number): Promise<void>;
  /**
   * Waits until `n` distinct outcomes for references starting with `prefix` reached their response_url
   * (or `timeoutMs`), then 300 ms more so a late duplicate is counted too.
   */
  settle(prefix: string, n: number, timeoutMs: number): Promise<Settled>;
  close(): Promise<void>;
};
/** `finishedAt` is wall-clock ms (timeOrigin + now), comparable across threads. */
type Settled = { finishedAt: number; sends: Map<string, number>; answers: Map<string, number> };

type FakesRequest =
  | { id: number; op: 'delay'; delayMs: number }
  | { id: number; op: 'settle'; prefix: string; n: number; timeoutMs: number }
  | { id: number; op: 'close' };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type FakesReply =
  | { op: 'ready'; slackUrl: string; kaleyraUrl: string; responseOrigin: string }
  | { id: number; op: 'done'; finishedAt?: number; sends?: [string, number][]; answers?: [string, number][] };

const wallClock = () => performance.timeOrigin + performance.now();

async function startFakes(): Promise<Fakes> {
  const worker = new Worker(new URL(import.meta.url));
  const pending = new Map<number, (reply: FakesReply) => void>();
  let nextId = 0;
  const ready = new Promise<Extract<FakesReply, { op: 'ready' }>>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (reply: FakesReply) => {
      if (reply.op === 'ready') resolve(reply);
      else pending.get(reply.id)?.(reply);
    });
  });
  const ask = (request: WithoutId<FakesRequest>) =>
    new Promise<Extract<FakesReply, { op: 'done' }>>((resolve) => {
      const id = nextId++;
      pending.set(id, (reply) => {
        pending.delete(id);
        if (reply.op === 'done') resolve(reply);
      });
      worker.postMessage({ ...request, id });
    });
  const { slackUrl, kaleyraUrl, responseOrigin } = await ready;
  return {
    slackUrl,
    kaleyraUrl,
    responseUrl: (id) => `${responseOrigin}/response/${encodeURIComponent(id)}`,
    async setKaleyraDelay(delayMs) {
      await ask({ op: 'delay', delayMs });
    },
    async settle(prefix, n, timeoutMs) {
      const reply = await ask({ op: 'settle', prefix, n, timeoutMs });
      return {
        finishedAt: reply.finishedAt ?? Number.NaN,
        sends: new Map(reply.sends),
        answers: new Map(reply.answers),
      };
    },
    async close() {
      await ask({ op: 'close' });
      await worker.terminate();
    },
  };
}

/** The worker's side: both fakes on loopback, answering the main thread's questions. */
async function serveFakes(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const slack = await startFakeSlack();
  const kaleyra = await startFakeKaleyra();
  let sequence = 0;
  const answer = (delayMs: number) => () => ({
    status: 202,
    body: JSON.stringify({
      code: 'WA202',
      message: 'Request Accepted',
      data: { message_id: `MBENCH${RUN_IN_WORKER}${++sequence}` },
      error: {},
    }),
    ...(delayMs > 0 ? { delayMs } : {}),
  });
  kaleyra.respondWith(answer(0));

  port.on('message', (request: FakesRequest) => {
    const reply = (body: Omit<Extract<FakesReply, { op: 'done' }>, 'id' | 'op'>) =>
      port.postMessage({ ...body, id: request.id, op: 'done' } satisfies FakesReply);
    if (request.op === 'delay') {
      kaleyra.respondWith(answer(request.delayMs));
      reply({});
    } else if (request.op === 'close') {
      void Promise.all([slack.close(), kaleyra.close()]).then(() => reply({}));
    } else {
      void settleIn(request).then(reply);
    }
  });

  async function settleIn(request: Extract<FakesRequest, { op: 'settle' }>) {
    const deadline = Date.now() + request.timeoutMs;
    const answered = new Set<string>();
    let cursor = 0;
    let finishedAt = Number.NaN;
    for (;;) {
      // Only the posts that arrived since the last look are read.
      for (; cursor < slack.responseUrlPosts.length; cursor++) {
        const id = idOf(slack.responseUrlPosts[cursor]?.path ?? '');
        if (id.startsWith(request.prefix)) answered.add(id);
      }
      if (answered.size >= request.n) {
        finishedAt = wallClock();
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(2);
    }
    await sleep(300);
    const sends = new Map<string, number>();
    for (const sent of kaleyra.requests) {
      const ref = /"reference_id":"([^"]+)"/.exec(sent.rawBody)?.[1];
      if (ref?.startsWith(request.prefix)) sends.set(ref, (sends.get(ref) ?? 0) + 1);
    }
    const answers = new Map<string, number>();
    for (const post of slack.responseUrlPosts) {
      const id = idOf(post.path);
      if (id.startsWith(request.prefix)) answers.set(id, (answers.get(id) ?? 0) + 1);
    }
    return { finishedAt, sends: [...sends], answers: [...answers] };
  }

  const origin = new URL(slack.url).origin;
  port.postMessage({
    op: 'ready',
    slackUrl: slack.url,
    kaleyraUrl: kaleyra.url,
    responseOrigin: origin,
  } satisfies FakesReply);
}

const idOf = (responsePath: string) => decodeURIComponent(responsePath.slice('/response/'.length));
// Message ids need only be unique per run; the worker has its own random suffix.
const RUN_IN_WORKER = randomBytes(3).toString('hex').toUpperCase();

// ---------------------------------------------------------------- the server as a child process

type Server = { child: ChildProcess; url: string; coldStartMs: number; errors: string[] };
const children = new Set<ChildProcess>();

/** `npm run build`'s compile, into BUILD_DIR: the bench runs what production runs (`node dist/server.js`). */
async function build(): Promise<string> {
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  await promisify(execFile)(
    tsc,
    ['-p', 'tsconfig.build.json', '--outDir', BUILD_DIR, '--sourceMap', 'false'],
    {
      cwd: root,
    },
  ).catch((error: { stdout?: string }) => {
    // tsc still emits when only types are wrong; a missing entry point is what matters.
    if (flags.verbose) log(`tsc reported problems:\n${error.stdout ?? ''}`);
  });
  // Under node_modules the project's package.json no longer applies: say these files are ES modules.
  await writeFile(path.join(BUILD_DIR, 'package.json'), '{"type":"module"}\n');
  const entry = path.join(BUILD_DIR, 'server.js');
  await stat(entry);
  return entry;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function startServer(entry: string, fakes: Fakes, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const args = [
    ...(flags['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${flags['cpu-prof-dir']}`] : []),
    ...NODE_ARGS,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, [...args, entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: fakes.slackUrl,
      KALEYRA_BASE_URL: fakes.kaleyraUrl,
      LOG_LEVEL: 'info', // what production runs with: one line per send
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('close', () => children.delete(child));
  // Drain the logs (a full pipe would stall the server); keep warnings and errors for the report.
  const errors: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      const notable = /"level":(40|50|60)/.test(line) || (line.trim() !== '' && !line.startsWith('{'));
      if (notable && errors.length < 20) errors.push(line.slice(0, 300));
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited during start-up:\n${errors.join('\n')}`);
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error('the server did not become healthy within 60 s');
    await sleep(5);
  }
  return { child, url, coldStartMs: performance.now() - started, errors };
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const closed = new Promise((resolve) => server.child.once('close', resolve));
  server.child.kill('SIGTERM');
  await closed;
}

async function peakRssMb(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** CPU time (user + system) the process has used so far, in ms. */
async function cpuMs(child: ChildProcess): Promise<number> {
  const text = await readFile(`/proc/${child.pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

// ---------------------------------------------------------------- load

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

// The load generator's client: plain node:http with keep-alive (as Slack's own sender keeps connections),
// lighter than fetch, so the measured latency is the server's rather than the client's.
const commandAgent = new Agent({ keepAlive: true, maxSockets: 1024 });

function postCommand(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        agent: commandAgent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

type AckStats = { p50: number; p99: number; max: number; failed: number };

type BurstResult = {
  ack: AckStats;
  /** Commands per second from the first command to the last outcome posted. */
  throughput: number;
  lost: number;
  duplicates: number;
  /** Server CPU time (user + system) per command over the burst, ms. */
  cpuPerCommand: number;
};

/**
 * N signed `/orderstatus` one-liners at concurrency C, each with its own reference and response_url;
 * waits until every outcome has been posted (or `timeoutMs`), then counts what reached Kaleyra and Slack.
 */
async function burst(
  server: Server,
  fakes: Fakes,
  options: { label: string; team: string; n: number; c: number; timeoutMs: number },
): Promise<BurstResult> {
  const { label, team, n, c } = options;
  const prefix = `${RUN}-${label}-`;
  const reference = (i: number) => `${prefix}${i}`;
  const latencies: number[] = new Array(n).fill(Number.NaN);
  let failed = 0;
  const cpuBefore = await cpuMs(server.child);
  const started = wallClock();
  const settled = fakes.settle(prefix, n, options.timeoutMs);
  await pool(n, c, async (i) => {
    const body = slashCommandBody({
      text: `${CUSTOMER} ${reference(i)} shipped`,
      teamId: team,
      userId: 'UBENCH',
      channelId: 'CBENCH',
      responseUrl: fakes.responseUrl(reference(i)),
    });
    const headers = signSlackRequest(SIGNING_SECRET, body);
    const sent = performance.now();
    try {
      const response = await postCommand(`${server.url}/slack/events`, { ...headers }, body);
      if (response.status !== 200 || !response.text.includes('Sending')) failed += 1;
    } catch {
      failed += 1;
    }
    latencies[i] = performance.now() - sent;
  });
  const { finishedAt, sends, answers } = await settled;
  // Includes the 300 ms of settling, when the server has nothing left to do.
  const cpuPerCommand = ((await cpuMs(server.child)) - cpuBefore) / n;
  if (flags.verbose) {
    // Ack latency by tenth of the burst: tells warm-up from steady state.
    const tenths = Array.from({ length: 10 }, (_, t) => {
      const part = latencies.slice((t * n) / 10, ((t + 1) * n) / 10).sort((a, b) => a - b);
      return `${fmt(percentile(part, 50))}/${fmt(percentile(part, 99))}`;
    });
    log(`  ${label}: ack p50/p99 (ms) by tenth of the burst: ${tenths.join(' ')}`);
  }
  let lost = 0;
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const sent = sends.get(reference(i)) ?? 0;
    const answered = answers.get(reference(i)) ?? 0;
    if (sent === 0 || answered === 0) lost += 1;
    if (sent > 1 || answered > 1) duplicates += 1;
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    ack: {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      failed,
    },
    throughput: n / ((finishedAt - started) / 1000),
    lost,
    duplicates,
    cpuPerCommand,
  };
}

const WARM_UP_N = 100;

/**
 * The first commands a fresh server handles run on cold code (JIT) and open its connections (database
 * pool, Kaleyra, Slack): measured on their own, so the bursts after them show the steady state.
 */
function warmUp(server: Server, fakes: Fakes, team: string, label: string): Promise<BurstResult> {
  return burst(server, fakes, { label, team, n: WARM_UP_N, c: C, timeoutMs: 30_000 });
}

/** Bare POSTs of a real payload straight to the fake Kaleyra: the same machine with no app in front. */
async function baseline(fakes: Fakes, n: number, c: number): Promise<number> {
  const started = performance.now();
  await pool(n, c, async (i) => {
    const response = await fetch(`${fakes.kaleyraUrl}/v2/HXBENCH/whatsapp/+919876500000/messages`, {
      method: 'POST',
      headers: { 'api-key': 'bench', 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        messaging_object: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: CUSTOMER,
          type: 'template',
          template: {
            name: 'order_status',
            language: { policy: 'deterministic', code: 'en' },
            components: [
              {
                type: 'order_status',
                parameters: [
                  {
                    type: 'order_status',
                    order_status: { reference_id: `BASE-${i}`, order: { status: 'shipped' } },
                  },
                ],
              },
            ],
          },
        },
        extra_info: { ref: 'TBENCH', ref1: 'UBENCH', ref2: 'CBENCH', wa_source: 'api' },
      }),
    });
    await response.text();
  });
  // Their references (BASE-…) match no burst's prefix, so no send count includes them.
  return n / ((performance.now() - started) / 1000);
}

/** Migrates the database and stores the workspace's credentials, through the app's own services. */
async function configureWorkspace(team: string, businessNumber: string): Promise<void> {
  const config = loadConfig({ DATABASE_URL, ENCRYPTION_KEY, DATA_DIR: os.tmpdir() });
  const services = await openServices(config, createLogger({ level: 'warn' }), { migrate: true });
  try {
    await services.credentials.set(
      team,
      {
        sid: 'HXIN1234567890IN',
        apiKey: 'Abench000000000000000000000000003',
        pod: 'in',
        businessNumber,
        templateName: 'order_status',
        languageCode: 'en',
      },
      'bench',
    );
  } finally {
    await services.close();
  }
}

async function embeddedColdStarts(entry: string, fakes: Fakes) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'orderstatus-bench-'));
  try {
    const first = await startServer(entry, fakes, { DATA_DIR: dataDir });
    const rss = await peakRssMb(first.child);
    await stopServer(first);
    const second = await startServer(entry, fakes, { DATA_DIR: dataDir });
    await stopServer(second);
    return { fresh: first.coldStartMs, existing: second.coldStartMs, idleRss: rss };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the run

type Summary = {
  load: number;
  /** The warm-up bursts: the first commands after a cold start. */
  cold: BurstResult[];
  atDefault: BurstResult;
  slow: BurstResult;
  lifted: BurstResult;
  baseline: number;
  peakRss: number;
  coldPg: number;
  embedded: { fresh: number; existing: number; idleRss: number };
};

async function main() {
  const benchStarted = Date.now();
  const load = os.loadavg()[0] ?? Number.NaN;
  const fakes = await startFakes();
  const team = `TB${RUN}`;
  const pgEnv = { DATABASE_URL, ENCRYPTION_KEY };
  const warnings: string[] = [];

  try {
    log(
      `orderstatus bench: N=${N} C=${C} slow N=${SLOW_N}, Postgres at ${new URL(DATABASE_URL).host}, load average ${fmt(load, 2)} on ${os.cpus().length} cores`,
    );
    const entry = await build();
    // Each server sends from its own business number, so one phase's rate budget cannot slow another's.
    await configureWorkspace(team, '+919876500001');

    // 1. The product as configured: the default rate limit (80/s per business number).
    const limited = await startServer(entry, fakes, pgEnv);
    log(
      `cold start on Postgres ${fmt(limited.coldStartMs)} ms; warm-up, then ${N} commands at C=${C}, default limit…`,
    );
    const coldDefault = await warmUp(limited, fakes, team, 'WL');
    const atDefault = await burst(limited, fakes, {
      label: 'L',
      team,
      n: N,
      c: C,
      timeoutMs: (N / DEFAULT_LIMIT) * 1000 + 30_000,
    });

    // 2. The same server while Kaleyra takes 5 s over every answer.
    log(`${SLOW_N} commands while Kaleyra takes 5 s to answer each…`);
    await fakes.setKaleyraDelay(5000);
    const slow = await burst(limited, fakes, {
      label: 'S',
      team,
      n: SLOW_N,
      c: C,
      timeoutMs: (SLOW_N / DEFAULT_LIMIT) * 1000 + 30_000,
    });
    await fakes.setKaleyraDelay(0);
    const limitedRss = await peakRssMb(limited.child);
    warnings.push(...limited.errors);
    await stopServer(limited);

    // 3. The limit lifted: the app's own ceiling.
    await configureWorkspace(team, '+919876500002');
    const open = await startServer(entry, fakes, { ...pgEnv, KALEYRA_RATE_LIMIT: '100000' });
    log(
      `cold start on Postgres ${fmt(open.coldStartMs)} ms; warm-up, then ${N} commands at C=${C}, limit lifted…`,
    );
    const coldLifted = await warmUp(open, fakes, team, 'WU');
    const lifted = await burst(open, fakes, { label: 'U', team, n: N, c: C, timeoutMs: 60_000 });
    const openRss = await peakRssMb(open.child);
    warnings.push(...open.errors);
    await stopServer(open);

    // 4. The same fake Kaleyra with no app in front of it.
    log('baseline: bare POSTs to the fake Kaleyra…');
    const base = await baseline(fakes, N, C);

    // 5. Cold starts on the embedded database.
    log('cold starts on the embedded database…');
    const embedded = await embeddedColdStarts(entry, fakes);

    const summary: Summary = {
      load,
      cold: [coldDefault, coldLifted],
      atDefault,
      slow,
      lifted,
      baseline: base,
      peakRss: Math.max(limitedRss, openRss),
      coldPg: Math.max(limited.coldStartMs, open.coldStartMs),
      embedded,
    };
    printTable(summary);
    log(`(bench took ${fmt((Date.now() - benchStarted) / 1000, 1)} s)`);
    if (warnings.length > 0)
      log(`server warnings/errors (first ${warnings.length}):\n  ${warnings.join('\n  ')}`);
    if (!flags['no-record']) await record(summary);
  } finally {
    for (const child of children) child.kill('SIGKILL'); // only after a failure: servers are stopped above
    await fakes.close();
  }
}

/** Over every burst, warm-ups included. */
function totals(s: Summary) {
  const bursts = [...s.cold, s.atDefault, s.slow, s.lifted];
  const sum = (pick: (b: BurstResult) => number) => bursts.reduce((total, b) => total + pick(b), 0);
  return {
    lost: sum((b) => b.lost),
    duplicates: sum((b) => b.duplicates),
    failedAcks: sum((b) => b.ack.failed),
  };
}

/** The worse of the two warm-ups (first commands after a cold start). */
function coldAck(s: Summary): AckStats {
  return s.cold.reduce(
    (worst, b) => (b.ack.p99 > worst.p99 ? b.ack : worst),
    s.cold[0]?.ack ?? s.atDefault.ack,
  );
}

const ackText = (a: AckStats) => `${fmt(a.p50, 1)} / ${fmt(a.p99, 1)} / ${fmt(a.max, 1)}`;

function printTable(s: Summary): void {
  const { lost, duplicates, failedAcks } = totals(s);
  const rows: Array<[string, string, string]> = [
    ['ack p50 / p99 / max, default limit', `${ackText(s.atDefault.ack)} ms`, 'p99 ≤ 50 ms'],
    ['ack p50 / p99 / max, limit lifted', `${ackText(s.lifted.ack)} ms`, 'p99 ≤ 50 ms'],
    [`ack p50 / p99 / max, Kaleyra 5 s (N=${SLOW_N})`, `${ackText(s.slow.ack)} ms`, 'max < 1000 ms'],
    [
      `ack p50 / p99 / max, first ${WARM_UP_N} after start`,
      `${ackText(coldAck(s))} ms`,
      '(cold code, new connections)',
    ],
    [
      `throughput, default limit ${DEFAULT_LIMIT}/s`,
      `${fmt(s.atDefault.throughput, 1)} cmd/s`,
      'capped by the limit',
    ],
    ['throughput, limit lifted', `${fmt(s.lifted.throughput, 1)} cmd/s`, ''],
    ['baseline: bare POSTs to the fake Kaleyra', `${fmt(s.baseline, 1)} req/s`, ''],
    [
      'ratio to baseline: default; lifted',
      `${fmt(s.atDefault.throughput / s.baseline, 3)}; ${fmt(s.lifted.throughput / s.baseline, 3)}`,
      '≥ 0.5',
    ],
    ['lost / duplicate / failed acks', `${lost} / ${duplicates} / ${failedAcks}`, '0 / 0 / 0'],
    [
      'server CPU per command: default; lifted',
      `${fmt(s.atDefault.cpuPerCommand, 2)}; ${fmt(s.lifted.cpuPerCommand, 2)} ms`,
      '',
    ],
    [
      `server peak RSS (VmHWM)${NODE_ARGS.length > 0 ? ` with ${NODE_ARGS.join(' ')}` : ''}`,
      `${fmt(s.peakRss, 1)} MB`,
      '≤ 200 MB',
    ],
    ['cold start, Postgres (worst of 2)', `${fmt(s.coldPg)} ms`, '≤ 1500 ms'],
    [
      'cold start, embedded fresh / existing',
      `${fmt(s.embedded.fresh)} / ${fmt(s.embedded.existing)} ms`,
      '≤ 1500 ms',
    ],
    ['embedded server RSS just after start', `${fmt(s.embedded.idleRss, 1)} MB`, ''],
  ];
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  log('');
  log(`${'measure'.padEnd(widths[0] ?? 0)}  ${'value'.padEnd(widths[1] ?? 0)}  target`);
  for (const [measure, value, target] of rows) {
    log(`${measure.padEnd(widths[0] ?? 0)}  ${value.padEnd(widths[1] ?? 0)}  ${target}`);
  }
}

const HEADER = `# Benchmarks

Appended by \`npm run bench\` (scripts/bench.ts; flags \`--n --c --slow-n --verbose --no-record --cpu-prof-dir
--node-arg\`, described at the top of the script), one row per run. The server is built as \`npm start\` builds it and runs as
a child process on Postgres (LOG_LEVEL=info, one JSON line per send); the fake Slack API and fake Kaleyra
(test/support) run in a worker thread of the bench process, beside the load generator, all on loopback on
the same machine as Postgres, so every figure includes their share of the CPU. Latencies are measured by the
bench's HTTP client; the load is closed-loop (C commands in flight, the next one leaves when an ack comes
back), so on a saturated machine ack latency ≈ C / commands acknowledged per second.

| column | meaning |
|---|---|
| date | when the run finished (UTC) |
| machine | CPU model × cores, RAM, Node version; load = 1-minute load average when the run started (other work on the machine inflates every latency) |
| N, C (slow N) | slash commands per burst (each with its own reference) and how many are in flight at once; slow N = commands in the slow-Kaleyra burst |
| ack default | ack latency p50 / p99 / max (ms) of the burst with the default rate limit (80/s per business number) |
| ack lifted | the same with KALEYRA_RATE_LIMIT=100000: the most send work per second alongside the acks |
| ack slow | p50 / p99 / max (ms) while Kaleyra takes 5 s to answer every send |
| ack cold | p50 / p99 / max (ms) of the first 100 commands a freshly started server handles (cold code, new connections), worse of the two servers; the three columns before it are measured after this warm-up |
| tput default | end-to-end commands/s (first command → last outcome at its response_url) with the default limit: capped by the limit by design |
| tput lifted | the same with the limit lifted: the app's own ceiling on this machine |
| baseline | requests/s of bare POSTs straight to the same fake Kaleyra at concurrency C (no app; not rate limited) |
| ratio | tput / baseline: default; lifted |
| lost / dup | commands never sent to Kaleyra or never answered / sent or answered more than once, over every burst (warm-ups included) |
| CPU/cmd | server CPU time (user + system) per command (ms): default; lifted |
| RSS | the server's peak resident memory (VmHWM, MB), worst of the two Postgres servers; "flags" names any V8 flag given |
| cold pg | spawn → \`/healthz\` 200 on Postgres (ms, worst of the two starts) |
| cold emb | the same on the embedded database: a new DATA_DIR / the same DATA_DIR again (ms) |

Targets: ack p99 ≤ 50 ms at C=50, and never above 1 s while Kaleyra takes 5 s; throughput ≥ 0.5 × baseline;
zero lost, zero duplicate; RSS ≤ 200 MB; cold start ≤ 1.5 s.

| date | machine | N, C (slow N) | ack default | ack lifted | ack slow | ack cold | tput default | tput lifted | baseline | ratio | lost / dup | CPU/cmd | RSS | cold pg | cold emb fresh / existing |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
`;

async function record(s: Summary): Promise<void> {
  const file = path.join(root, 'BENCHMARKS.md');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing === undefined) await writeFile(file, HEADER);
  const cpus = os.cpus();
  const machine = `${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${fmt(os.totalmem() / 2 ** 30, 1)} GB, Node ${process.version}, load ${fmt(s.load, 2)}`;
  const { lost, duplicates, failedAcks } = totals(s);
  const cells = [
    new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine,
    `${N}, ${C} (${SLOW_N})`,
    ackText(s.atDefault.ack),
    ackText(s.lifted.ack),
    ackText(s.slow.ack),
    ackText(coldAck(s)),
    fmt(s.atDefault.throughput, 1),
    fmt(s.lifted.throughput, 1),
    fmt(s.baseline, 1),
    `${fmt(s.atDefault.throughput / s.baseline, 3)}; ${fmt(s.lifted.throughput / s.baseline, 3)}`,
    `${lost} / ${duplicates}${failedAcks > 0 ? ` (${failedAcks} failed acks)` : ''}`,
    `${fmt(s.atDefault.cpuPerCommand, 2)}; ${fmt(s.lifted.cpuPerCommand, 2)}`,
    `${fmt(s.peakRss, 1)}${NODE_ARGS.length > 0 ? ` (flags ${NODE_ARGS.join(' ')})` : ''}`,
    fmt(s.coldPg),
    `${fmt(s.embedded.fresh)} / ${fmt(s.embedded.existing)}`,
  ];
  await appendFile(file, `| ${cells.join(' | ')} |\n`);
  log(`appended a row to ${path.relative(process.cwd(), file) || file}`);
}

if (isMainThread) {
  // Never leave a server behind, whatever ends the bench.
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  main().catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
} else {
  void serveFakes();
}
