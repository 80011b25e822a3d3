import net from 'node:net';
import type { ResponseUrlPost } from '../support/fake-slack.ts';
import { type AppResponse, blockActionsBody, postToApp, slashCommandBody } from '../support/slack-request.ts';
import { SIGNING_SECRET, type TestApp } from '../support/start-app.ts';

export const API_KEY = 'Akeyforthetests00000000000000003';
export const SETTINGS = {
  sid: 'HXIN1234567890IN',
  apiKey: API_KEY,
  pod: 'in' as const,
  businessNumber: '+919876500000',
  templateName: 'order_status',
  languageCode: 'en',
};

export type JsonRecord = Record<string, unknown>;

export function textOf(body: unknown): string {
  return JSON.stringify(body);
}

let counter = 0;

export type SentCommand = {
  responseUrl: string;
  /** The response_url's path, as the fake records it. */
  path: string;
  post(): Promise<AppResponse>;
};

/** A signed `/orderstatus <text>` into `app` with a response_url of its own on the fake Slack. */
export function command(
  app: Pick<TestApp, 'slack' | 'url'>,
  text: string,
  options: { teamId: string; userId?: string; channelId?: string },
): SentCommand {
  counter += 1;
  const responseUrl = app.slack.responseUrl(`cmd-${counter}-${Math.random().toString(36).slice(2)}`);
  const body = slashCommandBody({
    text,
    teamId: options.teamId,
    userId: options.userId ?? 'UAGENT',
    channelId: options.channelId ?? 'CORDERS',
    responseUrl,
  });
  return {
    responseUrl,
    path: new URL(responseUrl).pathname,
    post: () => postToApp(app.url, body, { signingSecret: SIGNING_SECRET }),
  };
}

/** A signed click on a result button (Retry, Send again anyway). */
export function clickButton(
  app: Pick<TestApp, 'slack' | 'url'>,
  options: { teamId: string; actionId: string; value: string; userId?: string; channelId?: string },
): SentCommand {
  counter += 1;
  const responseUrl = app.slack.responseUrl(`click-${counter}-${Math.random().toString(36).slice(2)}`);
  const body = blockActionsBody({
    teamId: options.teamId,
    userId: options.userId ?? 'UAGENT',
    channelId: options.channelId ?? 'CORDERS',
    actionId: options.actionId,
    value: options.value,
    responseUrl,
  });
  return {
    responseUrl,
    path: new URL(responseUrl).pathname,
    post: () => postToApp(app.url, body, { signingSecret: SIGNING_SECRET }),
  };
}

/** Every POST the app made to this command's response_url so far. */
export function postsTo(app: Pick<TestApp, 'slack'>, sent: Pick<SentCommand, 'path'>): ResponseUrlPost[] {
  return app.slack.responseUrlPosts.filter((post) => post.path === sent.path);
}

/** Waits for the first POST to this command's response_url (the outcome of a one-liner). */
export function outcomeOf(
  app: Pick<TestApp, 'slack'>,
  sent: Pick<SentCommand, 'path'>,
  timeoutMs = 5000,
): Promise<ResponseUrlPost> {
  return app.slack.waitFor(
    (slack) => slack.responseUrlPosts.find((post) => post.path === sent.path),
    timeoutMs,
  );
}

/** The value of the button with `actionId` in a message body, if there is one. */
export function buttonValue(body: unknown, actionId: string): string | undefined {
  const blocks = (body as { blocks?: unknown }).blocks;
  if (!Array.isArray(blocks)) return undefined;
  for (const block of blocks as Array<{ type?: string; elements?: unknown }>) {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements as Array<{ action_id?: string; value?: string }>) {
      if (element.action_id === actionId) return element.value;
    }
  }
  return undefined;
}

/** Polls `predicate` every 20 ms until it returns something truthy; rejects after `timeoutMs`. */
export async function waitUntil<T>(
  predicate: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await predicate();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export type Health = { status: number; body: JsonRecord | undefined };

/** GET /healthz; `status` 0 when nothing answers (connection refused or reset). */
export async function healthz(baseUrl: string): Promise<Health> {
  try {
    const response = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(3000) });
    const text = await response.text();
    let body: JsonRecord | undefined;
    try {
      body = JSON.parse(text) as JsonRecord;
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch {
    return { status: 0, body: undefined };
  }
}

/** Records uncaught exceptions and unhandled rejections in this process until `stop()`. */
export function watchProcessErrors() {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    errors,
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/** Journal rows of one workspace, grouped as `outcome` → count. */
export function countOutcomes(rows: ReadonlyArray<{ outcome: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
  return counts;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (listen on 0, note it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
