import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, createRouter } from '../../src/http/router.ts';

describe('the router’s prefix routes', () => {
  const failures: string[] = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const router = createRouter((_error, path) => failures.push(path));
    router.add({
      method: 'GET',
      path: '/media/',
      prefix: true,
      handle: (req, res) => answer(res, 200, `got ${req.url}`),
    });
    router.add({ method: 'GET', path: '/media/exact', handle: (_req, res) => answer(res, 200, 'exact') });
    router.add({
      method: ['GET', 'HEAD'],
      path: '/files/',
      prefix: true,
      handle: () => {
        throw new Error('boom');
      },
    });
    expect(() => router.add({ method: 'GET', path: '/nope', prefix: true, handle: () => undefined })).toThrow(
      /ends in \//,
    );
    server = createServer((req, res) => router.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers every path under the prefix, an exact route first, and 404 for the bare prefix’s neighbours', async () => {
    expect(await (await fetch(`${base}/media/abc.def`)).text()).toBe('got /media/abc.def');
    expect(await (await fetch(`${base}/media/exact`)).text()).toBe('exact');
    expect((await fetch(`${base}/mediax/abc`)).status).toBe(404);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });

  it('answers 405 naming the methods, and logs a failing handler by its prefix, never the rest of the path', async () => {
    const post = await fetch(`${base}/media/abc`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await fetch(`${base}/files/secret-token-123`)).status).toBe(500);
    expect(failures).toEqual(['/files/']);
  });
});
