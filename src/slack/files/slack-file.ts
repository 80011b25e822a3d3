import type { webApi } from '@slack/bolt';
import * as v from 'valibot';
import {
  checkMediaFile,
  contentMatches,
  MEDIA_SNIFF_BYTES,
  type MediaCheck,
  type MediaFile,
} from '../../domain/media-rules.ts';
import { slackErrorCode } from '../slack-error-code.ts';

/** Where Slack serves files: the bot token goes there (and to the configured API host, for local fakes) only. */
export function trustedFileOrigins(apiUrl: string): string[] {
  return ['https://files.slack.com', new URL(apiUrl).origin];
}

export function isTrustedFileUrl(url: string, origins: readonly string[]): boolean {
  return URL.canParse(url) && origins.includes(new URL(url).origin);
}

/** Why Slack did not give a file: gone, the app may not read files, or Slack failed (its code). */
export type SlackFileFailure = { ok: false; why: 'not_found' | 'no_access' | 'unreachable'; code: string };

export type SlackFileInfo = MediaFile & { downloadUrl: string | undefined };

// The fields of Slack's file object (files.info) this app reads; the rest of it is left alone.
const FileInfoSchema = v.object({
  id: v.string(),
  name: v.string(),
  mimetype: v.string(),
  size: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  url_private_download: v.optional(v.string()),
  url_private: v.optional(v.string()),
});

const GONE = ['file_not_found', 'file_deleted'];
const NO_ACCESS = ['missing_scope', 'not_allowed_token_type', 'no_permission', 'access_denied'];

/** `files.info` with the workspace's bot token (scope files:read): the file's name, MIME type, size and address. */
export async function readSlackFileInfo(
  client: webApi.WebClient,
  token: string,
  fileId: string,
): Promise<{ ok: true; file: SlackFileInfo } | SlackFileFailure> {
  let answer: Awaited<ReturnType<webApi.WebClient['files']['info']>>;
  try {
    answer = await client.files.info({ token, file: fileId });
  } catch (error) {
    return failure(slackErrorCode(error));
  }
  const parsed = v.safeParse(FileInfoSchema, answer.file);
  if (!parsed.success) return { ok: false, why: 'unreachable', code: 'invalid_file_object' };
  const file = parsed.output;
  return {
    ok: true,
    file: {
      fileId: file.id,
      name: file.name,
      mimeType: file.mimetype,
      size: file.size,
      downloadUrl: file.url_private_download ?? file.url_private,
    },
  };
}

/**
 * The download of `file` with the bot token, its body not read yet. Slack answers a request it will
 * not serve (no files:read) with its sign-in page and a 200: that counts as no access.
 */
export async function openSlackDownload(
  file: SlackFileInfo,
  options: { token: string; trustedOrigins: readonly string[]; signal?: AbortSignal | undefined },
): Promise<{ ok: true; body: ReadableStream<Uint8Array> } | SlackFileFailure> {
  const url = file.downloadUrl;
  if (!url || !isTrustedFileUrl(url, options.trustedOrigins)) {
    return { ok: false, why: 'unreachable', code: 'no_download_url' };
  }
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${options.token}` },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const html = (response.headers.get('content-type') ?? '').includes('text/html');
  if (!response.ok || html || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 404) return { ok: false, why: 'not_found', code: 'HTTP 404' };
    return html
      ? failure('missing_scope')
      : { ok: false, why: 'unreachable', code: `HTTP ${response.status}` };
  }
  return { ok: true, body: response.body };
}

/**
 * What the Reply form does with an attached file before sending it: Slack's description checked against
 * WhatsApp's rules, then the first bytes of the download against its type (a PDF renamed `.jpg` is
 * refused here, not by Meta after the agent was told it went). Only the first kilobyte is read.
 */
export async function inspectSlackFile(
  client: webApi.WebClient,
  fileId: string,
  options: { token: string; trustedOrigins: readonly string[]; signal?: AbortSignal | undefined },
): Promise<MediaCheck<MediaFile>> {
  const info = await readSlackFileInfo(client, options.token, fileId);
  if (!info.ok) return { ok: false, problem: { kind: 'unavailable', why: info.why, code: info.code } };
  const { downloadUrl: _url, ...file } = info.file;
  const checked = checkMediaFile(file);
  if (!checked.ok) return checked;
  let opened: Awaited<ReturnType<typeof openSlackDownload>>;
  try {
    opened = await openSlackDownload(info.file, options);
  } catch (error) {
    const code = slackErrorCode(error);
    return { ok: false, problem: { kind: 'unavailable', name: file.name, why: 'unreachable', code } };
  }
  if (!opened.ok) {
    return {
      ok: false,
      problem: { kind: 'unavailable', name: file.name, why: opened.why, code: opened.code },
    };
  }
  const head = await firstBytes(opened.body, MEDIA_SNIFF_BYTES);
  if (!contentMatches(checked.value.mimeType, head)) {
    return {
      ok: false,
      problem: { kind: 'content_mismatch', name: file.name, mimeType: checked.value.mimeType },
    };
  }
  return { ok: true, value: file };
}

/** Up to `count` bytes from the start of `body`; the rest is cancelled, never read. */
async function firstBytes(body: ReadableStream<Uint8Array>, count: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    while (size < count) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, count);
}

function failure(code: string): SlackFileFailure {
  if (GONE.includes(code)) return { ok: false, why: 'not_found', code };
  if (NO_ACCESS.includes(code)) return { ok: false, why: 'no_access', code };
  return { ok: false, why: 'unreachable', code };
}
