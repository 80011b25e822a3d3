import type { ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as contentDisposition } from 'content-disposition';
import { MEDIA_PATH, type MediaLinkClaims, openMediaLink } from '../domain/media-link.ts';
import { MEDIA_TYPES, normaliseMimeType } from '../domain/media-rules.ts';
import type { Sealer } from '../domain/sealer.ts';
import type { Logger } from '../logger.ts';
import { answer, pathOf, type Route } from './router.ts';

/** How long Slack may take to say what the file is and start sending it (files.info, then the download). */
export const MEDIA_FIRST_BYTE_TIMEOUT_MS = 15_000;
/** How long the download may stall between two chunks before the answer is cut. */
export const MEDIA_IDLE_TIMEOUT_MS = 30_000;

/** Why the source did not give a file: `not_found` (deleted, not shared with the app), or it failed. */
export type MediaSourceFailure = { ok: false; reason: 'not_found' | 'unavailable'; detail?: string };

/** A file as its source (Slack) has it now, and how to start its download (never started for HEAD). */
export type MediaSourceAnswer =
  | {
      ok: true;
      size: number;
      mimeType: string;
      download(): Promise<{ ok: true; body: ReadableStream<Uint8Array> } | MediaSourceFailure>;
    }
  | MediaSourceFailure;

/** Where the bytes come from (src/slack/files/): looked up afresh on every request, nothing kept. */
export type MediaSource = {
  open(request: { workspaceId: string; fileId: string; signal: AbortSignal }): Promise<MediaSourceAnswer>;
};

export type MediaRouteOptions = {
  sealer: Pick<Sealer, 'open'>;
  files: MediaSource;
  logger: Logger;
  now?: () => number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
};

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * `GET|HEAD {PUBLIC_URL}/media/<token>`: the file an agent attached, for Kaleyra or Meta to fetch while
 * the link lasts (media-link.ts). Its bytes are streamed from Slack with the workspace's bot token on
 * every request (never held whole, never stored), so any replica answers. 404 for a token we did not
 * seal (or one for another workspace, or a file Slack no longer has, or a different one), 410 once
 * expired, 502/504 when Slack fails or is slow. The token is never logged.
 */
export function createMediaRoute(options: MediaRouteOptions): Route {
  const now = options.now ?? Date.now;
  const firstByteMs = options.firstByteTimeoutMs ?? MEDIA_FIRST_BYTE_TIMEOUT_MS;
  const idleMs = options.idleTimeoutMs ?? MEDIA_IDLE_TIMEOUT_MS;
  const logger = options.logger;
  return {
    method: ['GET', 'HEAD'],
    path: MEDIA_PATH,
    prefix: true,
    async handle(req, res) {
      const started = now();
      const token = (pathOf(req) ?? '').slice(MEDIA_PATH.length);
      const opened = openMediaLink(options.sealer, token, started);
      if (!opened.ok) {
        const expired = opened.reason === 'expired';
        logger.info({ status: expired ? 410 : 404 }, 'media link refused');
        return answer(res, expired ? 410 : 404, expired ? 'Gone' : 'Not found', NO_STORE);
      }
      const { claims } = opened;
      const where = { workspace: claims.workspaceId, file: claims.fileId };
      const head = req.method === 'HEAD';
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error('first byte timeout')), firstByteMs);
      const onGone = () => abort.abort(new Error('the client went away'));
      res.once('close', onGone);
      let found: Awaited<ReturnType<typeof fetchFile>>;
      try {
        found = await fetchFile(options.files, claims, !head, abort.signal);
      } catch (error) {
        const late = abort.signal.aborted;
        logger.warn({ ...where, err: error }, late ? 'Slack was too slow to give a file' : 'Slack failed');
        return answer(res, late ? 504 : 502, late ? 'Gateway timeout' : 'Bad gateway', NO_STORE);
      } finally {
        clearTimeout(timer);
      }
      if (!found.ok) {
        const status = found.reason === 'unavailable' ? 502 : 404;
        logger.warn(
          { ...where, status, reason: found.reason, detail: found.detail },
          'media file not served',
        );
        return answer(res, status, status === 404 ? 'Not found' : 'Bad gateway', NO_STORE);
      }
      res.writeHead(200, headersOf(claims, now()));
      if (!found.body) {
        res.end();
        return;
      }
      const bytes = await stream(found.body, res, claims.size, idleMs, abort.signal).catch(
        (error: unknown) => {
          logger.warn({ ...where, err: error }, 'a media download was cut short');
          return undefined;
        },
      );
      res.off('close', onGone);
      if (bytes !== undefined) logger.info({ ...where, bytes, ms: now() - started }, 'media file served');
    },
  };
}

/**
 * The file Slack has now, if it is the one sealed (the same size and type; another is `changed`, and its
 * download is never started), with its body for a GET.
 */
async function fetchFile(
  files: MediaSource,
  claims: MediaLinkClaims,
  withBody: boolean,
  signal: AbortSignal,
): Promise<
  | { ok: true; body: ReadableStream<Uint8Array> | undefined }
  | { ok: false; reason: 'not_found' | 'unavailable' | 'changed'; detail?: string | undefined }
> {
  const file = await files.open({ workspaceId: claims.workspaceId, fileId: claims.fileId, signal });
  if (!file.ok) return file;
  if (file.size !== claims.size || normaliseMimeType(file.mimeType) !== claims.mimeType) {
    return { ok: false, reason: 'changed' };
  }
  if (!withBody) return { ok: true, body: undefined };
  const download = await file.download();
  return download.ok ? { ok: true, body: download.body } : download;
}

function headersOf(claims: MediaLinkClaims, now: number): Record<string, string> {
  const seconds = Math.max(0, Math.floor((claims.expiresAt - now) / 1000));
  const image = MEDIA_TYPES[claims.mimeType].kind === 'image';
  return {
    'content-type': claims.mimeType,
    'content-length': String(claims.size),
    'content-disposition': contentDisposition(claims.filename, { type: image ? 'inline' : 'attachment' }),
    // Never longer than the link itself lasts; `private`: no shared cache keeps the customer's file.
    'cache-control': `private, max-age=${seconds}`,
    'x-content-type-options': 'nosniff',
    // A PDF opened in a browser must not hand the link on to whatever it links to.
    'referrer-policy': 'no-referrer',
  };
}

/**
 * Pipes `body` into `res` (back-pressure kept, nothing buffered whole). Exactly `size` bytes or the
 * answer is cut (Content-Length promised them); a stall of `idleMs` cuts it too. Resolves the count.
 */
async function stream(
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  size: number,
  idleMs: number,
  signal: AbortSignal,
): Promise<number> {
  let count = 0;
  let idle: NodeJS.Timeout | undefined;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count += chunk.length;
      if (count > size) return done(new Error(`Slack sent more than the ${size} bytes sealed`));
      idle?.refresh();
      done(null, chunk);
    },
    flush(done) {
      done(count === size ? null : new Error(`Slack sent ${count} of ${size} bytes`));
    },
  });
  idle = setTimeout(() => guard.destroy(new Error('the download stalled')), idleMs);
  try {
    await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), guard, res, {
      signal,
    });
    return count;
  } finally {
    clearTimeout(idle);
  }
}
