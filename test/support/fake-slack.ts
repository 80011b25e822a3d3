import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeFiles, FILES_PATH, type HostedFile } from './fake-slack-files.ts';
import { refusalOf, responseUrlRefusal, storedText } from './fake-slack-refusals.ts';

export type { HostedFile };

/** One Web API call the app made, body decoded (JSON-string fields such as `view` and `blocks` parsed). */
export type SlackApiCall = {
  method: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The bearer token the call carried (header, or a `token` field), if any. */
  token: string | undefined;
  /** What the fake answered (set once it has). */
  response?: unknown;
  /** When the fake received it (ms since the epoch). */
  at?: number;
};

export type ResponseUrlPost = { path: string; body: unknown; headers: IncomingHttpHeaders };

/**
 * A file the app uploaded: files.getUploadURLExternal gave it an upload URL on this fake, the bytes
 * POSTed there are kept, and files.completeUploadExternal shared it (channel, thread).
 */
export type UploadedFile = {
  id: string;
  filename: string;
  /** The `length` the app announced to files.getUploadURLExternal. */
  length: number;
  bytes?: Buffer;
  /** The bytes as UTF-8 text. */
  text?: string;
  completed: boolean;
  channel?: string;
  threadTs?: string;
  title?: string;
};

/** A message as it reads now in the fake workspace (after any chat.update), with its thread replies. */
export type PostedMessage = {
  channel: string;
  ts: string;
  text: unknown;
  blocks: unknown;
  /** Set on a thread reply: the ts of the message it answers. */
  threadTs?: string;
  /** How many times chat.update changed it. */
  edits: number;
};

/** A canned answer, or a function of the call (may be async, e.g. to answer slowly). */
export type SlackApiResponder = Record<string, unknown> | ((call: SlackApiCall) => unknown);

export type SlackUserFlags = {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  team_id?: string;
  /** An Enterprise Grid member: users.info then carries `enterprise_user` with these org-level roles. */
  enterprise?: { id: string; is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean };
};

export type FakeSlack = {
  /** Web API base ending in `/api/`: use as SLACK_API_URL. */
  url: string;
  /** The server's origin, `http://127.0.0.1:<port>`. */
  origin: string;
  calls: SlackApiCall[];
  /** Calls refused as Slack refuses them (an over-limit or malformed view or message): see fake-slack-refusals.ts. */
  refused: SlackApiCall[];
  responseUrlPosts: ResponseUrlPost[];
  /** A slash-command/interaction response_url on this server; POSTs to it land in responseUrlPosts. */
  responseUrl(id: string): string;
  /**
   * POSTs to this response_url (a URL or its path), or to every one with `'all'`, answer `status`
   * and land in rejectedResponseUrlPosts instead; `undefined` makes them succeed again.
   */
  failResponseUrl(target: string, status: number | undefined): void;
  /** POSTs that failResponseUrl turned away, and those Slack would refuse (400 `invalid_blocks`). */
  rejectedResponseUrlPosts: ResponseUrlPost[];
  /** Replaces the default answer for `method`. `status` sets the HTTP status (e.g. 429 with `retry-after`). */
  setResponse(
    method: string,
    response: SlackApiResponder,
    options?: { status?: number; headers?: Record<string, string> },
  ): void;
  /** `method` answers like Slack again (undoes setResponse). */
  restoreResponse(method: string): void;
  /** users.info answers these flags for `userId` (default: not an admin, not an owner). */
  setUser(userId: string, flags: SlackUserFlags): void;
  callsTo(method: string): SlackApiCall[];
  /** The message at `channel`/`ts` as it reads now, if the app posted it (a DM's channel is `D` + the user id). */
  messageAt(channel: string, ts: string): PostedMessage | undefined;
  /** Replies in the thread under `channel`/`ts`, oldest first. */
  repliesTo(channel: string, ts: string): PostedMessage[];
  /** chat.postMessage to `channel` answers `error` (e.g. `not_in_channel`); `undefined` lets it post again. */
  refuseChannel(channel: string, error: string | undefined): void;
  /**
   * Stores a file as if a member uploaded it; files.info describes it (as Slack's published sample does)
   * and its download URL serves it. The MIME type is the name's unless given.
   */
  addFile(content: string | Buffer, options?: { name?: string; mimetype?: string }): HostedFile;
  /** Deletes a file as a member would: files.info says file_not_found, the download 404. */
  deleteFile(id: string): void;
  /** Files the app uploaded (files.getUploadURLExternal → upload URL → files.completeUploadExternal). */
  uploads: UploadedFile[];
  /** Forgets recorded calls and posts (responses and users stay as set). */
  clear(): void;
  /** Polls until `predicate` returns something truthy and returns it; rejects after `timeoutMs`. */
  waitFor<T>(predicate: (slack: FakeSlack) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

type Override = { responder: SlackApiResponder; status: number; headers: Record<string, string> };

const MAX_BODY = 5 * 1024 * 1024;
const RESPONSE_PATH = '/response/';
const UPLOAD_PATH = '/upload/';

/** The response_url with id `id` on the fake Slack at `origin` (what `FakeSlack.responseUrl` gives). */
export function responseUrlOn(origin: string, id: string): string {
  return `${origin}${RESPONSE_PATH}${encodeURIComponent(id)}`;
}

/** The id a response_url post was made to (`responseUrl(id)`'s `id`), from its path. */
export function responseIdOf(post: ResponseUrlPost): string {
  return decodeURIComponent(post.path.slice(RESPONSE_PATH.length));
}

/**
 * A fake of Slack's Web API on loopback, answering like Slack (HTTP 200 with `ok` true or false)
 * so the real @slack/web-api client can be pointed at it with SLACK_API_URL.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const overrides = new Map<string, Override>();
  const users = new Map<string, SlackUserFlags>();
  const calls: SlackApiCall[] = [];
  const refused: SlackApiCall[] = [];
  const responseUrlPosts: ResponseUrlPost[] = [];
  const rejectedResponseUrlPosts: ResponseUrlPost[] = [];
  const failingResponseUrls = new Map<string, number>();
  const messages = new Map<string, PostedMessage>();
  const refusedChannels = new Map<string, string>();
  const files = createFakeFiles(() => origin());
  const uploads: UploadedFile[] = [];
  const nextFileId = files.nextId;
  const key = (channel: string, ts: string) => `${channel}/${ts}`;
  let tsCounter = 0;
  const nextTs = (): string => {
    tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
  };

  const defaults: Record<string, (call: SlackApiCall) => unknown> = {
    'auth.test': (call) => ({
      ok: true,
      url: 'https://fake.slack.com/',
      team: 'Fake team',
      user: 'orderstatus',
      team_id: teamFromToken(call.token) ?? 'T1',
      user_id: 'UBOT',
      bot_id: 'B1',
      is_enterprise_install: false,
    }),
    'views.open': (call) => ({ ok: true, view: viewAnswer(call) }),
    'views.update': (call) => ({ ok: true, view: viewAnswer(call) }),
    'views.push': (call) => ({ ok: true, view: viewAnswer(call) }),
    'views.publish': (call) => ({ ok: true, view: viewAnswer(call) }),
    'chat.postMessage': (call) => {
      const refused = refusedChannels.get(String(call.body.channel ?? ''));
      if (refused) return { ok: false, error: refused };
      const ts = nextTs();
      // Like Slack, a post to a user id lands in (and answers with) that user's DM channel.
      const asked = String(call.body.channel ?? '');
      const channel = /^[UW]/.test(asked) ? `D${asked}` : asked;
      const message: PostedMessage = {
        channel,
        ts,
        text: storedText(call.body.text),
        blocks: call.body.blocks,
        edits: 0,
      };
      if (typeof call.body.thread_ts === 'string') message.threadTs = call.body.thread_ts;
      messages.set(key(channel, ts), message);
      return { ok: true, channel, ts, message: { text: call.body.text, ts } };
    },
    'chat.update': (call) => {
      const found = messages.get(key(String(call.body.channel), String(call.body.ts)));
      if (!found) return { ok: false, error: 'message_not_found' };
      found.text = storedText(call.body.text);
      found.blocks = call.body.blocks;
      found.edits += 1;
      return { ok: true, channel: call.body.channel, ts: call.body.ts, text: call.body.text };
    },
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    // Like Slack: a reply's link names its thread.
    'chat.getPermalink': (call) => {
      const channel = String(call.body.channel ?? '');
      const ts = String(call.body.message_ts ?? '');
      const found = messages.get(key(channel, ts));
      if (!found) return { ok: false, error: 'message_not_found' };
      const thread = found.threadTs ? `?thread_ts=${found.threadTs}&cid=${channel}` : '';
      return {
        ok: true,
        channel,
        permalink: `https://fake.slack.com/archives/${channel}/p${ts.replace('.', '')}${thread}`,
      };
    },
    'files.info': (call) => files.info(call.body.file),
    'files.getUploadURLExternal': (call) => {
      const id = nextFileId();
      uploads.push({
        id,
        filename: String(call.body.filename ?? ''),
        length: Number(call.body.length ?? 0),
        completed: false,
      });
      return { ok: true, upload_url: `${origin()}${UPLOAD_PATH}${id}`, file_id: id };
    },
    'files.completeUploadExternal': (call) => {
      const listed = Array.isArray(call.body.files)
        ? (call.body.files as Array<{ id?: unknown; title?: unknown }>)
        : [];
      const done: UploadedFile[] = [];
      for (const entry of listed) {
        const upload = uploads.find((u) => u.id === entry.id);
        if (!upload?.bytes) return { ok: false, error: 'file_not_found' };
        upload.completed = true;
        if (typeof call.body.channel_id === 'string') upload.channel = call.body.channel_id;
        if (typeof call.body.thread_ts === 'string') upload.threadTs = call.body.thread_ts;
        if (typeof entry.title === 'string') upload.title = entry.title;
        done.push(upload);
      }
      return { ok: true, files: done.map((u) => ({ id: u.id, title: u.title ?? u.filename })) };
    },
    'functions.completeSuccess': () => ({ ok: true }),
    'functions.completeError': () => ({ ok: true }),
    'users.info': (call) => {
      const id = typeof call.body.user === 'string' ? call.body.user : '';
      if (id === '') return { ok: false, error: 'user_not_found' };
      const flags = users.get(id) ?? {};
      return {
        ok: true,
        user: {
          id,
          team_id: flags.team_id ?? 'T1',
          name: id.toLowerCase(),
          is_admin: flags.is_admin ?? false,
          is_owner: flags.is_owner ?? false,
          is_primary_owner: flags.is_primary_owner ?? false,
          is_bot: false,
          deleted: false,
          ...(flags.enterprise
            ? {
                enterprise_user: {
                  id,
                  enterprise_id: flags.enterprise.id,
                  enterprise_name: 'Fake Grid',
                  is_admin: flags.enterprise.is_admin ?? false,
                  is_owner: flags.enterprise.is_owner ?? false,
                  is_primary_owner: flags.enterprise.is_primary_owner ?? false,
                  teams: [flags.team_id ?? 'T1'],
                },
              }
            : {}),
        },
      };
    },
    'conversations.info': (call) => ({
      ok: true,
      channel: {
        id: call.body.channel,
        name: 'orders',
        is_channel: true,
        is_member: true,
        is_archived: false,
      },
    }),
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'fake_slack_error', detail: String(error) }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(FILES_PATH)) return files.serve(req, res, url, tokenOf(req.headers, {}));
    if (url.pathname.startsWith(UPLOAD_PATH)) return receiveUpload(req, res, url);
    const raw = await readBody(req);

    if (url.pathname.startsWith(RESPONSE_PATH)) {
      const post = {
        path: url.pathname,
        body: parseBody(raw, req.headers['content-type']),
        headers: req.headers,
      };
      const failure = failingResponseUrls.get(url.pathname) ?? failingResponseUrls.get('all');
      if (failure !== undefined) {
        rejectedResponseUrlPosts.push(post);
        res.writeHead(failure, { 'content-type': 'text/plain' });
        res.end(failure === 404 ? 'no_active_hooks' : 'failed');
        return;
      }
      const refusal = responseUrlRefusal(post.body);
      if (refusal) {
        rejectedResponseUrlPosts.push(post);
        res.writeHead(400, { 'content-type': 'text/plain' }).end(refusal);
        return;
      }
      responseUrlPosts.push(post);
      sendJson(res, 200, { ok: true });
      return;
    }

    if (!url.pathname.startsWith('/api/')) {
      sendJson(res, 404, { ok: false, error: 'not_found' });
      return;
    }

    const method = decodeURIComponent(url.pathname.slice('/api/'.length));
    const body: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const parsed = parseBody(raw, req.headers['content-type']);
    if (isRecord(parsed)) Object.assign(body, parsed);
    const call: SlackApiCall = {
      method,
      body,
      headers: req.headers,
      token: tokenOf(req.headers, body),
      at: Date.now(),
    };
    calls.push(call);

    const refusal = refusalOf(method, body);
    if (refusal) {
      call.response = refusal;
      refused.push(call);
      sendJson(res, 200, refusal);
      return;
    }
    const override = overrides.get(method);
    if (override) {
      const answer =
        typeof override.responder === 'function' ? await override.responder(call) : override.responder;
      call.response = answer;
      sendJson(res, override.status, answer, override.headers);
      return;
    }
    const fallback = defaults[method];
    call.response = fallback ? fallback(call) : { ok: false, error: 'unknown_method' };
    sendJson(res, 200, call.response);
  }

  /** The upload URL files.getUploadURLExternal gave: keeps the bytes (a multipart part, or the raw body). */
  async function receiveUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const upload = uploads.find((u) => u.id === url.pathname.slice(UPLOAD_PATH.length));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let bytes: Buffer = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.includes('multipart/form-data')) {
      const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((value) => typeof value !== 'string');
      if (part && typeof part !== 'string') bytes = Buffer.from(await part.arrayBuffer());
    }
    if (!upload) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such upload');
      return;
    }
    upload.bytes = bytes;
    upload.text = bytes.toString('utf8');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${bytes.length}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const serverOrigin = `http://127.0.0.1:${port}`;
  const origin = () => serverOrigin;

  const fake: FakeSlack = {
    url: `${serverOrigin}/api/`,
    origin: serverOrigin,
    calls,
    refused,
    responseUrlPosts,
    responseUrl: (id) => responseUrlOn(serverOrigin, id),
    rejectedResponseUrlPosts,
    failResponseUrl(target, status) {
      const key = target === 'all' ? 'all' : new URL(target, serverOrigin).pathname;
      if (status === undefined) failingResponseUrls.delete(key);
      else failingResponseUrls.set(key, status);
    },
    setResponse(method, response, options = {}) {
      overrides.set(method, {
        responder: response,
        status: options.status ?? 200,
        headers: options.headers ?? {},
      });
    },
    restoreResponse(method) {
      overrides.delete(method);
    },
    setUser(userId, flags) {
      users.set(userId, flags);
    },
    callsTo: (method) => calls.filter((call) => call.method === method),
    messageAt: (channel, ts) => messages.get(key(channel, ts)),
    repliesTo: (channel, ts) =>
      [...messages.values()].filter((message) => message.channel === channel && message.threadTs === ts),
    refuseChannel(channel, error) {
      if (error === undefined) refusedChannels.delete(channel);
      else refusedChannels.set(channel, error);
    },
    addFile: (content, options = {}) => files.add(content, options),
    deleteFile: (id) => files.delete(id),
    uploads,
    clear() {
      calls.length = 0;
      refused.length = 0;
      uploads.length = 0;
      messages.clear();
      responseUrlPosts.length = 0;
      rejectedResponseUrlPosts.length = 0;
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const result = predicate(fake);
        if (result) return result;
        if (Date.now() > deadline) throw new Error(`fake Slack: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON bodies as they are; form bodies field by field, with JSON-looking fields (`view`, `blocks`) decoded. */
function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return tryJson(raw) ?? raw;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw)) out[key] = decodeField(value);
    return out;
  }
  return tryJson(raw) ?? raw;
}

function decodeField(value: string): unknown {
  const trimmed = value.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return tryJson(value) ?? value;
  return value;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tokenOf(headers: IncomingHttpHeaders, body: Record<string, unknown>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) return authorization.slice(7);
  return typeof body.token === 'string' ? body.token : undefined;
}

/** `xoxb-T2-anything` → `T2`, so tests can tell workspaces apart by token; otherwise undefined. */
function teamFromToken(token: string | undefined): string | undefined {
  const piece = token?.split('-')[1];
  return piece !== undefined && /^[TE][A-Z0-9]+$/.test(piece) ? piece : undefined;
}

function viewAnswer(call: SlackApiCall): Record<string, unknown> {
  const view = isRecord(call.body.view) ? call.body.view : {};
  return { ...view, id: typeof call.body.view_id === 'string' ? call.body.view_id : 'V1', hash: 'fake-hash' };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body ?? { ok: true }));
}
