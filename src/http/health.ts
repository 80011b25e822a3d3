import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from './router.ts';

export const HEALTH_PATH = '/healthz';

export type HealthState = 'starting' | 'ready' | 'draining';

/**
 * How long `/healthz` waits for the database before answering "down". Below the probes' 2 s timeout:
 * a database that stops answering (packets dropped, not refused) would otherwise hold the answer
 * until the pool's query timeout, and the probe would take every replica out of rotation.
 */
export const HEALTH_PING_TIMEOUT_MS = 1500;

/**
 * `/healthz`: 503 while starting or draining; otherwise 200 with the database's state, because a
 * replica that cannot reach the database can still tell agents what is wrong.
 */
export function createHealth(
  pingDatabase: () => Promise<boolean>,
  cacheMs = 1000,
  pingTimeoutMs = HEALTH_PING_TIMEOUT_MS,
) {
  let state: HealthState = 'starting';
  let last: { at: number; up: boolean } | undefined;
  // One ping at a time: while a slow one is still out, later checks do not pile more onto the pool.
  let pending: { promise: Promise<boolean>; since: number } | undefined;

  async function databaseUp(): Promise<boolean> {
    if (last && Date.now() - last.at < cacheMs) return last.up;
    if (!pending) {
      const promise = pingDatabase()
        .catch(() => false)
        .then((up) => {
          last = { at: Date.now(), up };
          pending = undefined;
          return up;
        });
      pending = { promise, since: Date.now() };
    }
    const waited = Date.now() - pending.since;
    if (waited >= pingTimeoutMs) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), pingTimeoutMs - waited);
    });
    try {
      return await Promise.race([pending.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function handle(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (state !== 'ready') {
      res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ status: state }));
      return;
    }
    const up = await databaseUp();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ status: 'ok', database: up ? 'up' : 'down' }));
  }

  const route: Route = { method: ['GET', 'HEAD'], path: HEALTH_PATH, handle };
  return {
    /** Whether the database answers, cached briefly and never waiting past the ping timeout. */
    databaseUp,
    /** `/healthz`, served by the router from the moment the process listens. */
    route,
    setState(next: HealthState) {
      state = next;
    },
    get state() {
      return state;
    },
  };
}

export type Health = ReturnType<typeof createHealth>;
