import { request as httpRequest, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RETRY_ACTION, SEND_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { BODY_LIMIT_BYTES } from '../../src/slack/receiver.ts';
import { command, outcomeOf, useTestApp } from '../support/app-driver.ts';
import {
  blockActionsBody,
  interactionBody,
  postToApp,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-request.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

type RawAnswer = { status: number; headers: IncomingMessage['headers']; body: string; sentBytes: number };

/**
 * One request over node:http, so the test controls exactly what goes on the wire: the declared
 * Content-Length, chunked streaming, and stopping as soon as the server answers.
 */
function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    /** Sent at once, then the request is ended (unless `keepOpen`). */
    body?: string | Buffer;
    keepOpen?: boolean;
    /** The request target as sent, e.g. an absolute-form `http://host/slack/events`. */
    target?: string;
    /** Streams this many bytes in 64 KiB chunks, chunked encoding, stopping when the answer arrives. */
    streamBytes?: number;
    timeoutMs?: number;
  } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = httpRequest(url, {
      method: options.method ?? 'POST',
      headers: options.headers ?? {},
      ...(options.target ? { path: options.target } : {}),
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${options.timeoutMs ?? 2000} ms (sent ${sentBytes} bytes)`));
    }, options.timeoutMs ?? 2000);
    req.on('error', (error) => {
      // A server that answers and then closes mid-upload resets the socket: the answer already counts.
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    req.on('response', (res) => {
      answered = true;
      const sentWhenAnswered = sentBytes;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => undefined);
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          sentBytes: sentWhenAnswered,
        });
      });
    });
    if (options.body !== undefined) {
      req.write(options.body);
      sentBytes += Buffer.byteLength(options.body);
    }
    if (options.streamBytes !== undefined) {
      const total = options.streamBytes;
      const chunk = Buffer.alloc(64 * 1024, 'a');
      void (async () => {
        while (!answered && sentBytes < total && !req.destroyed) {
          const ok = req.write(chunk);
          sentBytes += chunk.length;
          if (!ok) await new Promise((resolve) => req.once('drain', resolve));
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (!answered && !req.destroyed) req.end();
      })().catch(() => undefined);
      return;
    }
    if (!options.keepOpen) req.end();
  });
}

describe('HTTP hardening (real server, embedded store)', () => {
  const t = useTestApp({ kind: 'embedded' });

  /** Gives any background work a dispatched request might have started time to show itself. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  function expectNothingDispatched(): void {
    expect(t.kaleyra.requests).toHaveLength(0);
    expect(t.slack.calls).toHaveLength(0);
    expect(t.slack.responseUrlPosts).toHaveLength(0);
  }

  /** A signed slash command for `help`, padded with an extra field to exactly `size` bytes. */
  function paddedCommand(size: number): string {
    const base = `${slashCommandBody({
      text: 'help',
      teamId: t.team,
      userId: 'UAGENT',
      channelId: 'CORDERS',
      responseUrl: t.slack.responseUrl('padded'),
    })}&pad=`;
    return base + 'x'.repeat(size - base.length);
  }

  describe('body size', () => {
    it('takes a signed body of exactly the limit (1 MiB)', async () => {
      const body = paddedCommand(BODY_LIMIT_BYTES);
      expect(Buffer.byteLength(body)).toBe(BODY_LIMIT_BYTES);
      expect(BODY_LIMIT_BYTES).toBe(1024 * 1024);
      const response = await postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
      expect(response.status).toBe(200);
      expect(response.text).toContain('partially');
    });

    it('refuses a signed body one byte over the limit with 413, and runs nothing', async () => {
      const body = paddedCommand(BODY_LIMIT_BYTES + 1);
      expect(Buffer.byteLength(body)).toBe(BODY_LIMIT_BYTES + 1);
      const response = await postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
      expect(response.status).toBe(413);
      await settle();
      expectNothingDispatched();
    });

    it('refuses a Content-Length over the limit at once, without waiting for a body that never comes', async () => {
      const body = 'ssl_check=1';
      const started = Date.now();
      const answer = await rawRequest(`${t.url}/slack/events`, {
        headers: {
          ...signSlackRequest(SIGNING_SECRET, body),
          'content-length': 2 * 1024 * 1024,
        },
        body,
        keepOpen: true,
        timeoutMs: 2000,
      });
      expect(answer.status).toBe(413);
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('cuts off a chunked body that keeps streaming past the limit, long before it ends', async () => {
      const total = 5 * 1024 * 1024;
      const started = Date.now();
      const answer = await rawRequest(`${t.url}/slack/events`, {
        headers: { ...signSlackRequest(SIGNING_SECRET, ''), 'transfer-encoding': 'chunked' },
        streamBytes: total,
        timeoutMs: 5000,
      });
      expect(answer.status).toBe(413);
      // Answered when a little over 1 MiB had gone out: the server stopped at the limit instead of
      // taking in all 5 MiB first.
      expect(answer.sentBytes).toBeGreaterThan(BODY_LIMIT_BYTES);
      expect(answer.sentBytes).toBeLessThan(total / 2);
      expect(Date.now() - started).toBeLessThan(3000);
      await settle();
      expectNothingDispatched();
    });

    it('keeps serving after oversized requests', async () => {
      const response = await postToApp(t.url, paddedCommand(1000), { signingSecret: SIGNING_SECRET });
      expect(response.status).toBe(200);
    });
  });

  describe('ssl_check', () => {
    it('answers a signed ssl_check with 200 and runs nothing, even with a command smuggled in', async () => {
      const smuggled = new URLSearchParams({
        ssl_check: '1',
        token: 'fake-verification-token',
        command: '/orderstatus',
        text: '+919876543210 395001 shipped',
        team_id: t.team,
        user_id: 'UAGENT',
        channel_id: 'CORDERS',
        response_url: t.slack.responseUrl('smuggled'),
        trigger_id: '1.2.3',
      }).toString();
      for (const body of ['ssl_check=1&token=fake-verification-token', smuggled]) {
        const response = await postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
        expect(response.status).toBe(200);
      }
      await settle();
      expectNothingDispatched();
    });

    it('refuses an unsigned or wrongly signed ssl_check with 401', async () => {
      const body = `ssl_check=1&token=fake-verification-token&command=%2Forderstatus&team_id=${t.team}`;
      const unsigned = await fetch(`${t.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(unsigned.status).toBe(401);
      const forged = await postToApp(t.url, body, { signingSecret: 'not-the-signing-secret' });
      expect(forged.status).toBe(401);
      const stale = await postToApp(t.url, body, {
        signingSecret: SIGNING_SECRET,
        timestamp: Math.floor(Date.now() / 1000) - 600,
      });
      expect(stale.status).toBe(401);
      // The same, addressed with an absolute-form target (which Bolt routes to the same endpoint).
      for (const target of ['http://127.0.0.1/slack/events', '/slack/events?ssl_check=1']) {
        const answer = await rawRequest(t.url, {
          target,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        expect(answer.status).toBe(401);
      }
      await settle();
      expectNothingDispatched();
    });
  });

  describe('malformed but signed requests', () => {
    const user = (teamId: string) => ({ id: 'UAGENT', username: 'uagent', name: 'uagent', team_id: teamId });
    /** A click by UAGENT in CORDERS on a button `actionId` carrying `value`. */
    const click = (teamId: string, actionId: string, value: string) =>
      blockActionsBody({ teamId, userId: 'UAGENT', channelId: 'CORDERS', actionId, value });

    const cases: Array<[string, (teamId: string) => { body: string; contentType?: string }]> = [
      ['payload= that is not JSON', () => ({ body: 'payload=%7Bnot%20json' })],
      ['payload= that is JSON null', () => ({ body: 'payload=null' })],
      ['payload= that is a JSON string', () => ({ body: `payload=${encodeURIComponent('"hello"')}` })],
      [
        'view_submission without view',
        (teamId) => ({
          body: interactionBody({ type: 'view_submission', team: { id: teamId }, user: user(teamId) }),
        }),
      ],
      [
        'view_submission of our modal with view but no state',
        (teamId) => ({
          body: interactionBody({
            type: 'view_submission',
            team: { id: teamId },
            user: user(teamId),
            view: { id: 'V1', callback_id: SEND_MODAL_CALLBACK, team_id: teamId, private_metadata: '' },
          }),
        }),
      ],
      [
        'view_submission of our modal with state.values null',
        (teamId) => ({
          body: interactionBody({
            type: 'view_submission',
            team: { id: teamId },
            user: user(teamId),
            view: { id: 'V1', callback_id: SEND_MODAL_CALLBACK, team_id: teamId, state: { values: null } },
          }),
        }),
      ],
      [
        'view_submission with an unknown callback_id',
        (teamId) => ({
          body: viewSubmissionBody({
            teamId,
            userId: 'UAGENT',
            view: { callback_id: 'somebody_elses_modal', state: { values: {} } },
          }),
        }),
      ],
      [
        'view_closed with an unknown callback_id',
        (teamId) => ({
          body: interactionBody({
            type: 'view_closed',
            team: { id: teamId },
            user: user(teamId),
            view: { id: 'V1', callback_id: 'nope' },
          }),
        }),
      ],
      ['block_actions with an unknown action_id', (teamId) => ({ body: click(teamId, 'not_ours', '{}') })],
      [
        'block_actions with our Retry action and a garbage value',
        (teamId) => ({
          body: click(
            teamId,
            RETRY_ACTION,
            '{"u":{"to":"+1","referenceId":"\'; DROP TABLE keyv; --","status":"lost"}}',
          ),
        }),
      ],
      [
        'block_actions with our Retry action and a non-JSON value',
        (teamId) => ({
          // biome-ignore lint/suspicious/noTemplateCurlyInString: template-injection text is the point
          body: click(teamId, RETRY_ACTION, '<!channel> ${} {{'),
        }),
      ],
      [
        'block_actions with actions not an array',
        (teamId) => ({
          body: interactionBody({
            type: 'block_actions',
            team: { id: teamId },
            user: user(teamId),
            actions: 'x',
          }),
        }),
      ],
      ['an empty form body', () => ({ body: '' })],
      ['an empty JSON body', () => ({ body: '', contentType: 'application/json' })],
      ['a JSON body that is not JSON', () => ({ body: '{"type":', contentType: 'application/json' })],
      [
        'a JSON body with an unknown type',
        (teamId) => ({
          body: JSON.stringify({ type: 'definitely_not_a_slack_type', team_id: teamId }),
          contentType: 'application/json',
        }),
      ],
      ['a JSON array', () => ({ body: '[1,2,3]', contentType: 'application/json' })],
      ['a JSON number', () => ({ body: '42', contentType: 'application/json' })],
      [
        'an event_callback without event fields',
        (teamId) => ({
          body: JSON.stringify({ type: 'event_callback', team_id: teamId, event: {} }),
          contentType: 'application/json',
        }),
      ],
      [
        'a slash command for another command',
        (teamId) => ({
          body: slashCommandBody({
            text: '+919876543210 395001 shipped',
            teamId,
            userId: 'UAGENT',
            channelId: 'CORDERS',
            responseUrl: 'https://hooks.slack.com/commands/x',
            command: '/somethingelse',
          }),
        }),
      ],
      [
        'a slash command without team or user',
        () => ({ body: 'command=%2Forderstatus&text=%2B919876543210+395001+shipped' }),
      ],
      ['an unknown content type', () => ({ body: 'hello', contentType: 'text/plain' })],
    ];

    it.each(cases)(
      'answers %s with 2xx/4xx (never 5xx), within 1 s, and sends nothing',
      async (_name, make) => {
        const { body, contentType } = make(t.team);
        const started = Date.now();
        const response = await postToApp(t.url, body, {
          signingSecret: SIGNING_SECRET,
          ...(contentType ? { contentType } : {}),
        });
        const elapsed = Date.now() - started;
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(500);
        // Well under Bolt's 3 s "unhandled request" timeout.
        expect(elapsed).toBeLessThan(1000);
        await settle();
        expect(t.kaleyra.requests).toHaveLength(0);
        expect(t.slack.responseUrlPosts).toHaveLength(0);
      },
    );

    it('stays up and sends normally after all of them', async () => {
      const sent = command(t, '+919876543210 395001 shipped');
      const response = await sent.post();
      expect(response.status).toBe(200);
      await outcomeOf(t, sent);
      expect(t.kaleyra.requests).toHaveLength(1);
    });
  });

  describe('routing', () => {
    it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s /slack/events with 404 or 405', async (method) => {
      const response = await fetch(`${t.url}/slack/events`, {
        method,
        ...(method === 'GET'
          ? {}
          : { body: 'ssl_check=1', headers: signSlackRequest(SIGNING_SECRET, 'ssl_check=1') }),
      });
      expect([404, 405]).toContain(response.status);
      await response.body?.cancel();
    });

    it.each([
      '/',
      '/slack',
      '/slack/events/',
      '/slack/eventsx',
      '/slack/install',
      '/../etc/passwd',
      '/%2e%2e/',
    ])('answers POST and GET %s with 404', async (path) => {
      for (const method of ['GET', 'POST']) {
        const body = 'ssl_check=1';
        const answer = await rawRequest(`${t.url}${path}`, {
          method,
          headers: method === 'POST' ? signSlackRequest(SIGNING_SECRET, body) : {},
          ...(method === 'POST' ? { body } : {}),
        });
        expect(answer.status).toBe(404);
      }
    });

    it('still answers /healthz', async () => {
      const response = await fetch(`${t.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', database: 'up' });
    });
  });
});
