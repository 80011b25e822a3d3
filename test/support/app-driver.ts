import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { StartOptions } from '../../src/server.ts';
import { CONFIG_FIELDS, CONFIG_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import type { ResponseUrlPost } from './fake-slack.ts';
import { probeTestDatabase } from './postgres.ts';
import {
  type AppResponse,
  blockActionsBody,
  postToApp,
  slashCommandBody,
  viewState,
  viewSubmissionBody,
} from './slack-request.ts';
import { SIGNING_SECRET, type StorageMode, startTestApp, type TestApp, uniqueTeamId } from './start-app.ts';

/** Driving the real app (see start-app.ts) the way Slack and a workspace's agents do. */

export { channelOutcomesNaming, findOutcome, type Outcome, outcomeOf } from './outcomes.ts';

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

/** The test Postgres URL when the run's global setup reached it. */
export function testDatabaseUrl(): Promise<string | undefined> {
  return probeTestDatabase();
}

export type NamedStorage = [name: string, storage: StorageMode | undefined];

/**
 * The embedded store, and Postgres when the test database answers, for `describe.each`. Postgres is
 * `undefined` when it does not (outside CI; with CI=true the probe throws), and `useTestApp` skips it.
 */
export async function storageModes(): Promise<NamedStorage[]> {
  const url = await testDatabaseUrl();
  return [
    ['embedded store', { kind: 'embedded' }],
    ['Postgres', url ? { kind: 'postgres', url } : undefined],
  ];
}

/** The app `useTestApp` runs for a describe block, and the workspace of the test under way. */
export type AppFixture = Omit<TestApp, 'close'> & {
  /** A workspace of this test's own, configured with SETTINGS unless `configure: false`. */
  readonly team: string;
};

/**
 * Runs the real app on `storage` for the enclosing describe block (started once, closed at the end).
 * Before each test: a new workspace id, the fakes cleared, and that workspace configured with
 * SETTINGS (unless `configure: false`). With no storage (Postgres unreachable) every test is skipped.
 */
export function useTestApp(
  storage: StorageMode | undefined,
  options: {
    env?: Record<string, string>;
    configure?: boolean;
    bulk?: StartOptions['bulk'];
    conversation?: StartOptions['conversation'];
    media?: StartOptions['media'];
  } = {},
): AppFixture {
  let app: TestApp | undefined;
  let team: string | undefined;

  beforeAll(async () => {
    if (storage) {
      const { bulk, conversation, media } = options;
      app = await startTestApp(storage, options.env, {
        ...(bulk ? { bulk } : {}),
        ...(conversation ? { conversation } : {}),
        ...(media ? { media } : {}),
      });
    }
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(async (context) => {
    if (!storage) context.skip();
    const running = current();
    team = uniqueTeamId();
    running.slack.clear();
    running.kaleyra.reset();
    if (options.configure ?? true) await running.server.services.credentials.set(team, SETTINGS, 'UADMIN');
  });

  function current(): TestApp {
    if (!app) throw new Error('useTestApp: the app is not running (used outside a test?)');
    return app;
  }
  // Each property reads through to the app of the moment, so the fixture can be taken before it starts.
  const fixture = {} as AppFixture;
  for (const key of ['server', 'slack', 'kaleyra', 'url', 'dataDir', 'logs'] as const) {
    Object.defineProperty(fixture, key, { get: () => current()[key] });
  }
  Object.defineProperty(fixture, 'team', {
    get() {
      if (team === undefined) throw new Error('useTestApp: no workspace outside a test');
      return team;
    },
  });
  return fixture;
}

/** Where a command or click goes: a running app, and (from `useTestApp`) the test's workspace. */
export type AppTarget = Pick<TestApp, 'slack' | 'url'> & { readonly team?: string };

let counter = 0;

export type SentCommand = {
  responseUrl: string;
  /** The response_url's path, as the fake records it. */
  path: string;
  /** The channel it came from, where an outcome for everyone is posted with chat.postMessage. */
  channelId: string;
  /** The order reference the line names, when it names one: the channel outcome mentions it. */
  reference: string | undefined;
  /** How many Web API calls the fake had seen when this was made: its outcome comes after them. */
  callsBefore: number;
  post(): Promise<AppResponse>;
};

function sentTo(
  app: AppTarget,
  responseUrl: string,
  body: string,
  where: { channelId: string; reference?: string | undefined },
): SentCommand {
  return {
    responseUrl,
    path: new URL(responseUrl).pathname,
    channelId: where.channelId,
    reference: where.reference,
    callsBefore: app.slack.calls.length,
    post: () => postToApp(app.url, body, { signingSecret: SIGNING_SECRET }),
  };
}

function teamOf(app: AppTarget, teamId: string | undefined): string {
  const team = teamId ?? app.team;
  if (team === undefined) throw new Error('no teamId, and the app has no workspace of its own');
  return team;
}

function uniqueResponseUrl(app: AppTarget, kind: string): string {
  counter += 1;
  return app.slack.responseUrl(`${kind}-${counter}-${Math.random().toString(36).slice(2)}`);
}

/**
 * A signed `/orderstatus <text>` into `app` with a response_url of its own on the fake Slack; from
 * UAGENT in CORDERS of the app's workspace unless told otherwise.
 */
export function command(
  app: AppTarget,
  text: string,
  options: { teamId?: string; userId?: string; channelId?: string } = {},
): SentCommand {
  const responseUrl = uniqueResponseUrl(app, 'cmd');
  const channelId = options.channelId ?? 'CORDERS';
  const body = slashCommandBody({
    text,
    teamId: teamOf(app, options.teamId),
    userId: options.userId ?? 'UAGENT',
    channelId,
    responseUrl,
  });
  return sentTo(app, responseUrl, body, { channelId, reference: text.trim().split(/\s+/)[1] });
}

/** A signed click on a result button (Retry, Send again anyway). */
export function clickButton(
  app: AppTarget,
  options: { teamId?: string; actionId: string; value: string; userId?: string; channelId?: string },
): SentCommand {
  const responseUrl = uniqueResponseUrl(app, 'click');
  const channelId = options.channelId ?? 'CORDERS';
  const body = blockActionsBody({
    teamId: teamOf(app, options.teamId),
    userId: options.userId ?? 'UAGENT',
    channelId,
    actionId: options.actionId,
    value: options.value,
    responseUrl,
  });
  return sentTo(app, responseUrl, body, { channelId });
}

/** A `view_submission` of the settings modal (`/orderstatus config`) with these values. */
export function configSubmissionBody(teamId: string, userId: string, values: Record<string, string>): string {
  return viewSubmissionBody({
    teamId,
    userId,
    view: { callback_id: CONFIG_MODAL_CALLBACK, state: { values: viewState(CONFIG_FIELDS, values) } },
  });
}

/** Every POST the app made to this command's response_url so far. */
export function postsTo(app: Pick<TestApp, 'slack'>, sent: Pick<SentCommand, 'path'>): ResponseUrlPost[] {
  return app.slack.responseUrlPosts.filter((post) => post.path === sent.path);
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

/** Journal rows of one workspace, grouped as `outcome` → count. */
export function countOutcomes(rows: ReadonlyArray<{ outcome: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.outcome] = (counts[row.outcome] ?? 0) + 1;
  return counts;
}
