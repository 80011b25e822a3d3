import type { webApi } from '@slack/bolt';
import { BULK_FILE_PROBLEMS } from '../../domain/bulk-csv.ts';
import { isTrustedFileUrl } from '../files/slack-file.ts';
import { slackErrorCode } from '../slack-error-code.ts';

export type DownloadedFile = { ok: true; text: string } | { ok: false; problem: string };

const DOWNLOAD_TIMEOUT_MS = 15_000;

/**
 * An uploaded file's text: `files.info` for where it is, then its `url_private_download` with the bot
 * token (scope `files:read`). The token goes only to a trusted origin (Slack's file host, or the
 * configured API host for local fakes); at most `maxBytes` are read; the text must be UTF-8.
 */
export async function downloadSlackFile(
  client: webApi.WebClient,
  fileId: string,
  options: { token: string; maxBytes: number; trustedOrigins: readonly string[] },
): Promise<DownloadedFile> {
  let info: Awaited<ReturnType<webApi.WebClient['files']['info']>>;
  try {
    info = await client.files.info({ file: fileId });
  } catch (error) {
    const code = slackErrorCode(error);
    return {
      ok: false,
      problem:
        code === 'missing_scope'
          ? 'The app may not read uploaded files (scope files:read): ask whoever manages the Slack app to reinstall it from the current manifest.'
          : `Slack did not give the file (${code}). Try again in a minute.`,
    };
  }
  const size = info.file?.size ?? 0;
  if (size > options.maxBytes) {
    return { ok: false, problem: BULK_FILE_PROBLEMS.tooLarge };
  }
  const url = info.file?.url_private_download ?? info.file?.url_private;
  if (!url || !isTrustedFileUrl(url, options.trustedOrigins)) {
    return { ok: false, problem: 'Slack gave no address to download the file from. Upload it again.' };
  }
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${options.token}` },
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
  } catch {
    return { ok: false, problem: 'The file could not be downloaded from Slack. Try again in a minute.' };
  }
  // Without files:read Slack answers its sign-in page, with 200.
  if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) {
    await response.body?.cancel();
    return {
      ok: false,
      problem: `Slack did not give the file (HTTP ${response.status}). If this keeps happening, the app may lack the files:read scope.`,
    };
  }
  const bytes = await readAtMost(response, options.maxBytes);
  if (!bytes) return { ok: false, problem: BULK_FILE_PROBLEMS.tooLarge };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, problem: BULK_FILE_PROBLEMS.notUtf8 };
  }
}

/** The body, or undefined as soon as it passes `maxBytes` (the rest is never read). */
async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!response.body) return new Uint8Array();
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
