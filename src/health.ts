import type { IncomingMessage, ServerResponse } from 'node:http';

export type HealthState = 'starting' | 'ready' | 'draining';

/**
 * `/healthz`: 503 while starting or draining; otherwise 200 with the database's state, because a
 * replica that cannot reach the database can still tell agents what is wrong.
 */
export function createHealth(pingDatabase: () => Promise<boolean>, cacheMs = 1000) {
  let state: HealthState = 'starting';
  let last: { at: number; up: boolean } | undefined;
  let pending: Promise<boolean> | undefined;

  async function databaseUp(): Promise<boolean> {
    if (last && Date.now() - last.at < cacheMs) return last.up;
    pending ??= pingDatabase()
      .catch(() => false)
      .then((up) => {
        last = { at: Date.now(), up };
        pending = undefined;
        return up;
      });
    return pending;
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

  return {
    handle,
    setState(next: HealthState) {
      state = next;
    },
    get state() {
      return state;
    },
  };
}

export type Health = ReturnType<typeof createHealth>;
