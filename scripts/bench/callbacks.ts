import { Agent, request } from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openServices } from '../../src/services/open-services.ts';
import { basicAuth, callbackPayload, type Login } from '../../test/support/kaleyra-callbacks.ts';
import type { ServerProcess } from '../../test/support/server-process.ts';
import { type BenchContext, fmt, log, sleep } from './context.ts';
import { burst, percentile, pool } from './load.ts';
import { configureWorkspace, postgresEnv, startBenchServer, stopBenchServer } from './server.ts';

/** What the status-callback burst found (see measureCallbacks). */
export type CallbackResults = {
  callbacks: number;
  sends: number;
  ack: { p50: number; p99: number; max: number; failed: number };
  /** Attempts whose recorded events, state or times are not exactly what their callbacks said. */
  stateErrors: number;
  /** chat.update calls over the burst, and the most any one message got. */
  edits: number;
  maxEditsPerMessage: number;
  /** From the last callback answered until every message showed its final state in Slack (ms). */
  settleMs: number;
};

const STATUSES = ['sent', 'delivered', 'read'] as const;
const callbackAgent = new Agent({ keepAlive: true, maxSockets: 1024 });

/**
 * A burst of N Kaleyra status callbacks at concurrency C: ceil(N/3) sends first (limit lifted), then
 * sent, delivered and read for each, shuffled together, the first N of them fired. Measures the
 * answer latency, checks every callback was applied exactly once (one event each, the final state the
 * highest one received, each time recorded) and counts the Slack edits that followed.
 */
export async function measureCallbacks(ctx: BenchContext): Promise<CallbackResults> {
  const { n, c } = ctx.options;
  const team = `${ctx.team}CB`;
  const login = await configureCallbacks(ctx, team);
  const server = await startBenchServer(ctx, { ...postgresEnv(ctx), KALEYRA_RATE_LIMIT: '100000' });
  try {
    const sends = Math.ceil(n / 3);
    log(`status callbacks: ${sends} sends, then ${n} callbacks at C=${c}…`);
    await burst({ ...ctx, team }, server, { label: 'CB', n: sends, timeoutMs: 60_000 });
    const prefix = `${ctx.run}-CB-`;
    const attempts = await readAttempts(ctx, team, prefix);
    const planned = shuffle(
      attempts.flatMap((attempt) =>
        STATUSES.map((status, i) => ({ attempt, status, timestamp: 1764412800 + i * 60 })),
      ),
    ).slice(0, n);
    const latencies: number[] = [];
    let failed = 0;
    await pool(planned.length, c, async (i) => {
      const call = planned[i];
      if (!call) return;
      const body = callbackPayload({
        status: call.status,
        messageId: call.attempt.message_id,
        ref: team,
        ref2: call.attempt.id,
        timestamp: String(call.timestamp),
      });
      const started = performance.now();
      const status = await postCallbackBody(server, body, login).catch(() => 0);
      latencies.push(performance.now() - started);
      if (status < 200 || status > 299) failed += 1;
    });
    const answeredAt = Date.now();
    await waitForSlack(ctx, team, prefix);
    const settleMs = Date.now() - answeredAt;
    const edits = await ctx.fakes.edits(prefix);
    const sorted = latencies.sort((a, b) => a - b);
    return {
      callbacks: planned.length,
      sends,
      ack: {
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? Number.NaN,
        failed,
      },
      stateErrors: await countStateErrors(ctx, team, prefix, planned),
      edits: [...edits.values()].reduce((sum, count) => sum + count, 0),
      maxEditsPerMessage: Math.max(0, ...edits.values()),
      settleMs,
    };
  } finally {
    await stopBenchServer(server);
  }
}

export async function configureCallbacks(
  ctx: BenchContext,
  team: string,
  businessNumber = '+919876500003',
): Promise<Login> {
  await configureWorkspace({ ...ctx, team }, businessNumber);
  const config = loadConfig({ ...postgresEnv(ctx), DATA_DIR: os.tmpdir() });
  const services = await openServices(config, createLogger({ level: 'warn' }));
  try {
    return await services.callbackCredentials.rotate(team, 'bench');
  } finally {
    await services.close();
  }
}

type AttemptRow = { id: string; message_id: string; reference_id: string };

export async function query<T>(ctx: BenchContext, sql: string, params: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: ctx.options.databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

function readAttempts(ctx: BenchContext, team: string, prefix: string): Promise<AttemptRow[]> {
  return query<AttemptRow>(
    ctx,
    `SELECT id, message_id, reference_id FROM send_journal
      WHERE workspace_id = $1 AND reference_id LIKE $2 AND outcome = 'sent'`,
    [team, `${prefix}%`],
  );
}

export function postCallbackBody(server: ServerProcess, body: string, login: Login): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${server.url}/kaleyra/callbacks`,
      {
        method: 'POST',
        agent: callbackAgent,
        headers: {
          authorization: basicAuth(login),
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Until Slack shows every attempt's latest delivery state (or 60 s). */
async function waitForSlack(ctx: BenchContext, team: string, prefix: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const [row] = await query<{ behind: string }>(
      ctx,
      `SELECT count(*) AS behind FROM send_journal
        WHERE workspace_id = $1 AND reference_id LIKE $2 AND slack_version < delivery_version`,
      [team, `${prefix}%`],
    );
    if (Number(row?.behind) === 0) return;
    await sleep(100);
  }
  log('  (some messages never showed their final state within 60 s)');
}

type Planned = { attempt: AttemptRow; status: (typeof STATUSES)[number]; timestamp: number };

/** Attempts whose events, state or times differ from what was sent for them. */
async function countStateErrors(ctx: BenchContext, team: string, prefix: string, planned: Planned[]) {
  const expected = new Map<string, Set<string>>();
  for (const call of planned) {
    const statuses = expected.get(call.attempt.id) ?? new Set<string>();
    statuses.add(call.status);
    expected.set(call.attempt.id, statuses);
  }
  const rows = await query<{ id: string; delivery_state: string | null; events: string[]; times: number }>(
    ctx,
    `SELECT j.id, j.delivery_state,
            coalesce(array_agg(e.status ORDER BY e.status) FILTER (WHERE e.status IS NOT NULL), '{}') AS events,
            (j.whatsapp_sent_at IS NOT NULL)::int + (j.delivered_at IS NOT NULL)::int + (j.read_at IS NOT NULL)::int AS times
       FROM send_journal j LEFT JOIN delivery_events e ON e.attempt_id = j.id
      WHERE j.workspace_id = $1 AND j.reference_id LIKE $2
      GROUP BY j.id`,
    [team, `${prefix}%`],
  );
  let errors = 0;
  for (const row of rows) {
    const statuses = expected.get(row.id) ?? new Set<string>();
    const highest = STATUSES.filter((status) => statuses.has(status)).at(-1) ?? null;
    const sameEvents = [...statuses].sort().join() === row.events.join();
    if (!sameEvents || row.delivery_state !== highest || Number(row.times) !== statuses.size) errors += 1;
  }
  return errors;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

export const callbackSummary = (r: CallbackResults): string =>
  `${fmt(r.ack.p50, 1)} / ${fmt(r.ack.p99, 1)} / ${fmt(r.ack.max, 1)} ms; ${r.ack.failed} failed; ${r.stateErrors} state errors; ${r.edits} edits for ${r.sends} messages (max ${r.maxEditsPerMessage}); Slack settled ${fmt(r.settleMs)} ms after`;
