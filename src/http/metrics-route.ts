import { timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Route } from './router.ts';

export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics` in Prometheus' text format. With `token` (METRICS_TOKEN), only a request bearing it
 * is answered: for deployments where the port is reachable from outside the cluster.
 */
export function createMetricsRoute(registry: Registry, token?: string): Route {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return {
    method: 'GET',
    path: METRICS_PATH,
    async handle(req, res) {
      if (expected && !matches(req.headers.authorization, expected)) {
        res
          .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
          .end('Unauthorized');
        return;
      }
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(body);
    },
  };
}

function matches(given: string | undefined, expected: Buffer): boolean {
  const candidate = Buffer.from(given ?? '');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
