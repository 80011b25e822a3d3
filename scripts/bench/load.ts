import { Agent, request } from 'node:http';
import { buildOrderStatusPayload } from '../../src/kaleyra/build-payload.ts';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { signSlackRequest, slashCommandBody } from '../../test/support/slack-request.ts';
import { type BenchContext, fmt, log, wallClock } from './context.ts';
import type { Settled } from './fakes.ts';
import { SIGNING_SECRET } from './server.ts';

const CUSTOMER = '+919876543210';
// Each command of a burst to a customer of its own, as support traffic is: one number for all would let
// any cache of parsed numbers answer every command but the first.
export const customer = (i: number) => `+9198${String(76_000_000 + (i % 1_000_000)).padStart(8, '0')}`;

export type AckStats = { p50: number; p99: number; max: number; failed: number };

export type BurstResult = {
  ack: AckStats;
  /** Commands per second from the first command to the last outcome posted. */
  throughput: number;
  lost: number;
  duplicates: number;
  /** Server CPU time (user + system) per command over the burst, ms. */
  cpuPerCommand: number;
};

/** Runs `task(i)` for i in [0, n) with at most `concurrency` at once: closed-loop load. */
export async function pool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

export function percentile(sorted: readonly number[], p: number): number {
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

/** `c`: commands in flight at once, when not the command line's --c. */
export type BurstOptions = { label: string; n: number; timeoutMs: number; c?: number };

/**
 * N signed `/orderstatus` one-liners at concurrency C, each with its own reference and response_url;
 * waits until every outcome has been posted (or `timeoutMs`), then counts what reached Kaleyra and Slack.
 */
export async function burst(
  ctx: BenchContext,
  server: ServerProcess,
  { label, n, timeoutMs, c = ctx.options.c }: BurstOptions,
): Promise<BurstResult> {
  const prefix = `${ctx.run}-${label}-`;
  const reference = (i: number) => `${prefix}${i}`;
  const latencies: number[] = new Array(n).fill(Number.NaN);
  let failed = 0;
  const cpuBefore = await server.cpuTimeMs();
  const started = wallClock();
  const settled = ctx.fakes.settle(prefix, n, timeoutMs);
  await pool(n, c, async (i) => {
    const body = slashCommandBody({
      text: `${customer(i)} ${reference(i)} shipped`,
      teamId: ctx.team,
      userId: 'UBENCH',
      channelId: 'CBENCH',
      responseUrl: ctx.fakes.responseUrl(reference(i)),
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
  const outcomes = await settled;
  // Includes the 300 ms of settling, when the server has nothing left to do.
  const cpuPerCommand = ((await server.cpuTimeMs()) - cpuBefore) / n;
  if (ctx.options.verbose) logByTenth(label, latencies);
  return {
    ack: ackStats(latencies, failed),
    throughput: n / ((outcomes.finishedAt - started) / 1000),
    ...countLostAndDuplicates(
      outcomes,
      Array.from({ length: n }, (_, i) => reference(i)),
    ),
    cpuPerCommand,
  };
}

function ackStats(latencies: readonly number[], failed: number): AckStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    failed,
  };
}

/** Ack latency by tenth of the burst: tells warm-up from steady state. */
function logByTenth(label: string, latencies: readonly number[]): void {
  const n = latencies.length;
  const tenths = Array.from({ length: 10 }, (_, t) => {
    const part = latencies.slice((t * n) / 10, ((t + 1) * n) / 10).sort((a, b) => a - b);
    return `${fmt(percentile(part, 50))}/${fmt(percentile(part, 99))}`;
  });
  log(`  ${label}: ack p50/p99 (ms) by tenth of the burst: ${tenths.join(' ')}`);
}

/** Lost: never sent to Kaleyra or never answered; duplicate: sent or answered more than once. */
function countLostAndDuplicates(outcomes: Settled, references: readonly string[]) {
  let lost = 0;
  let duplicates = 0;
  for (const reference of references) {
    const sent = outcomes.sends.get(reference) ?? 0;
    const answered = outcomes.answers.get(reference) ?? 0;
    if (sent === 0 || answered === 0) lost += 1;
    if (sent > 1 || answered > 1) duplicates += 1;
  }
  return { lost, duplicates };
}

/**
 * Bare POSTs of the app's own payload (its builder) straight to the fake Kaleyra at concurrency C: the same
 * machine with no app in front. Requests per second.
 */
export async function bareKaleyraThroughput(ctx: BenchContext): Promise<number> {
  const { n, c } = ctx.options;
  const started = performance.now();
  await pool(n, c, async (i) => {
    const payload = buildOrderStatusPayload(
      // BASE-… matches no burst's prefix, so no send count includes these.
      {
        to: CUSTOMER,
        referenceId: `BASE-${i}`,
        status: 'shipped',
        templateName: 'order_status',
        languageCode: 'en',
      },
      { ref: 'TBENCH', ref1: 'UBENCH', ref2: 'CBENCH' },
    );
    const response = await fetch(`${ctx.fakes.kaleyraUrl}/v2/HXBENCH/whatsapp/+919876500000/messages`, {
      method: 'POST',
      headers: { 'api-key': 'bench', 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
    });
    await response.text();
  });
  return n / ((performance.now() - started) / 1000);
}
