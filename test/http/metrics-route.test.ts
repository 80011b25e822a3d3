import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRoute } from '../../src/http/metrics-route.ts';
import { createRouter } from '../../src/http/router.ts';
import { boundedLabel, createMetrics, KNOWN_SEND_CODES } from '../../src/metrics.ts';

describe('GET /metrics', () => {
  const metrics = createMetrics();
  const pool = { totalCount: 4, idleCount: 3, waitingCount: 1 };
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const router = createRouter(() => undefined);
    router.add(createMetricsRoute(metrics.registry, 'scrape-token-123456'));
    metrics.watchPool(pool);
    server = createServer((req, res) => router.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers only a request bearing METRICS_TOKEN', async () => {
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-12345' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: 'Bearer scrape-token-123456' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
  });

  it('serves the counters, the pool read at scrape time, and the process metrics', async () => {
    metrics.sends.inc({ outcome: 'sent', code: 'WA202' });
    pool.waitingCount = 2;
    const text = await (
      await fetch(url, { headers: { authorization: 'Bearer scrape-token-123456' } })
    ).text();
    expect(text).toContain('orderstatus_sends_total{outcome="sent",code="WA202"} 1');
    expect(text).toContain('orderstatus_database_pool_connections{state="waiting"} 2');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('bounds label values: an unknown code is counted as other', () => {
    expect(boundedLabel('RBC001', KNOWN_SEND_CODES)).toBe('RBC001');
    expect(boundedLabel('X-123-made-up', KNOWN_SEND_CODES)).toBe('other');
    expect(boundedLabel(undefined, KNOWN_SEND_CODES)).toBe('other');
  });
});
