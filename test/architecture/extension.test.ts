import { describe, expect, it } from 'vitest';
import { clickButton, useTestApp } from '../support/app-driver.ts';

/**
 * What a newcomer adding a feature relies on: one registration is enough. An action registered on the
 * Bolt app fires (no allow-list to extend), and a route added to the router is served (no second router).
 */
describe('extending the app', () => {
  const app = useTestApp({ kind: 'embedded' });

  it('fires a newly registered action with no other edit, acked at once', async () => {
    const seen: string[] = [];
    app.server.app.slack.app.action('orderstatus_brand_new', async ({ ack, action }) => {
      await ack();
      if (action.type === 'button') seen.push(action.value ?? '');
    });
    const started = Date.now();
    const response = await clickButton(app, { actionId: 'orderstatus_brand_new', value: 'hello' }).post();
    expect(response.status).toBe(200);
    // An interaction no listener takes is answered after Bolt's 3 s wait: this one was not waiting.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(seen).toEqual(['hello']);
  });

  it('serves a newly added route from the one router, next to its 404 and 405', async () => {
    app.server.router.add({
      method: 'GET',
      path: '/brand-new',
      handle: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('served');
      },
    });
    const served = await fetch(new URL('/brand-new', app.url));
    expect(served.status).toBe(200);
    expect(await served.text()).toBe('served');
    expect((await fetch(new URL('/brand-new', app.url), { method: 'POST' })).status).toBe(405);
    expect((await fetch(new URL('/brand-old', app.url))).status).toBe(404);
  });
});
