import type { Login } from '../../test/support/kaleyra-callbacks.ts';
import { incomingPayload } from '../../test/support/kaleyra-incoming.ts';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { configureCallbacks, postCallbackBody, query } from './callbacks.ts';
import { type BenchContext, fmt, log, sleep, WARM_UP_N, wallClock } from './context.ts';
import { burst, customer, percentile, pool } from './load.ts';
import { postgresEnv, startBenchServer, stopBenchServer } from './server.ts';

/** Issue #20's burst: this many customers' messages at this concurrency. */
export const INCOMING_N = 300;
export const INCOMING_C = 30;
/** Orders sent first, one per customer; the messages answer them in turn (so each has a thread). */
const ORDERS = 30;

/** What the incoming burst found (see measureIncoming). */
type Answers = { p50: number; p99: number; max: number; failed: number };

export type IncomingResults = {
  messages: number;
  /** The measured burst, after WARM_UP_N uncounted messages. */
  ack: Answers;
  /** The first WARM_UP_N messages the server received (cold code, new connections), on their own. */
  cold: Answers;
  /** Messages shown in Slack per second, from the first callback to the last post. */
  postsPerSecond: number;
  /** From the last callback answered to the last message shown (ms). */
  settleMs: number;
  /** Messages never shown in Slack / shown more than once; messages not recorded exactly once. */
  notPosted: number;
  postedTwice: number;
  recordErrors: number;
};

/**
 * A burst of customers' WhatsApp messages (the document's POST payload, Basic auth) at the callback URL:
 * ORDERS one-liners first, then WARM_UP_N messages (measured on their own: the first a server receives),
 * then INCOMING_N messages from those customers at INCOMING_C. Measures the
 * answer latency, then waits until Slack showed every message (a chat.postMessage naming it) and counts
 * messages shown twice or never, and rows not recorded exactly once.
 */
export async function measureIncoming(ctx: BenchContext): Promise<IncomingResults> {
  const team = `${ctx.team}IN`;
  const login = await configureCallbacks(ctx, team, '+919876500004');
  const server = await startBenchServer(ctx, { ...postgresEnv(ctx), KALEYRA_RATE_LIMIT: '100000' });
  try {
    log(`customers' messages: ${ORDERS} orders, then ${INCOMING_N} messages at C=${INCOMING_C}…`);
    await burst({ ...ctx, team }, server, { label: 'INO', n: ORDERS, timeoutMs: 60_000 });
    // As a running server would be: the first messages after a start are measured on their own.
    const cold = await fire(server, login, `${ctx.run}-INW-`, WARM_UP_N);
    const marker = `${ctx.run}-IN-`;
    const started = wallClock();
    const ack = await fire(server, login, marker, INCOMING_N);
    const answeredAt = wallClock();
    const posts = await waitForPosts(ctx, marker);
    const lastPost = Math.max(...posts.map(([, at]) => at));
    const shown = new Map<string, number>();
    for (const [name] of posts) shown.set(name, (shown.get(name) ?? 0) + 1);
    return {
      messages: INCOMING_N,
      ack,
      cold,
      postsPerSecond: shown.size / ((lastPost - started) / 1000),
      settleMs: lastPost - answeredAt,
      notPosted: INCOMING_N - shown.size,
      postedTwice: [...shown.values()].filter((count) => count > 1).length,
      recordErrors: await countRecordErrors(ctx, team, marker),
    };
  } finally {
    await stopBenchServer(server);
  }
}

/** `n` messages (ids and texts marked `<marker><i>`) at INCOMING_C; their answer latencies. */
async function fire(server: ServerProcess, login: Login, marker: string, n: number): Promise<Answers> {
  const latencies: number[] = [];
  let failed = 0;
  await pool(n, INCOMING_C, async (i) => {
    const body = incomingPayload({
      id: `wamid.${marker}${i}`,
      from: customer(i % ORDERS).slice(1),
      message: { type: 'text', text: { body: `Where is it? ${marker}${i}` } },
    });
    const sent = performance.now();
    const status = await postCallbackBody(server, body, login).catch(() => 0);
    latencies.push(performance.now() - sent);
    if (status < 200 || status > 299) failed += 1;
  });
  const sorted = latencies.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    failed,
  };
}

/** Until Slack showed every message once (or 60 s): every post naming a marker, with its time. */
async function waitForPosts(ctx: BenchContext, marker: string): Promise<Array<[string, number]>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const posts = await ctx.fakes.posts(marker);
    if (new Set(posts.map(([name]) => name)).size >= INCOMING_N || Date.now() > deadline) {
      // A little longer, so a late second post of one message is counted too.
      await sleep(300);
      return ctx.fakes.posts(marker);
    }
    await sleep(100);
  }
}

/** Messages not recorded exactly once (by their WhatsApp id). */
async function countRecordErrors(ctx: BenchContext, team: string, marker: string): Promise<number> {
  const [row] = await query<{ rows: string; ids: string }>(
    ctx,
    `SELECT count(*) AS rows, count(DISTINCT message_id) AS ids FROM incoming_messages
      WHERE workspace_id = $1 AND message_id LIKE $2`,
    [team, `wamid.${marker}%`],
  );
  return Math.abs(INCOMING_N - Number(row?.rows ?? 0)) + (Number(row?.rows ?? 0) - Number(row?.ids ?? 0));
}

export const incomingSummary = (r: IncomingResults): string =>
  `${fmt(r.ack.p50, 1)} / ${fmt(r.ack.p99, 1)} / ${fmt(r.ack.max, 1)} ms; ${r.ack.failed} failed; ${fmt(r.postsPerSecond, 1)} posts/s, Slack settled ${fmt(r.settleMs)} ms after; ${r.notPosted} not shown / ${r.postedTwice} shown twice / ${r.recordErrors} record errors`;
