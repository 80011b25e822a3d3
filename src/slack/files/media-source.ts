import type { webApi } from '@slack/bolt';
import type { MediaSource, MediaSourceFailure } from '../../http/media-route.ts';
import { openSlackDownload, readSlackFileInfo, type SlackFileFailure } from './slack-file.ts';

export type SlackMediaSourceDeps = {
  client: webApi.WebClient;
  /** The workspace's bot token (the single one, or its installation's); undefined once uninstalled. */
  tokenFor: (workspaceId: string) => Promise<string | undefined>;
  trustedOrigins: readonly string[];
};

/**
 * The media route's files, from Slack on every request: files.info with the workspace's bot token for
 * what the file is now, then (for a GET) its download, handed over unread. Nothing is kept.
 */
export function createSlackMediaSource(deps: SlackMediaSourceDeps): MediaSource {
  return {
    async open({ workspaceId, fileId, signal }) {
      const token = await raced(deps.tokenFor(workspaceId), signal);
      if (!token) return { ok: false, reason: 'not_found', detail: 'the app is not installed there' };
      const info = await raced(readSlackFileInfo(deps.client, token, fileId), signal);
      if (!info.ok) return unavailable(info);
      const { trustedOrigins } = deps;
      const download = async () => {
        const opened = await openSlackDownload(info.file, { token, trustedOrigins, signal });
        return opened.ok ? opened : unavailable(opened);
      };
      return { ok: true, size: info.file.size, mimeType: info.file.mimeType, download };
    },
  };
}

function unavailable(failure: SlackFileFailure): MediaSourceFailure {
  return {
    ok: false,
    reason: failure.why === 'not_found' ? 'not_found' : 'unavailable',
    detail: failure.code,
  };
}

/** The promise's outcome, or the signal's reason as soon as it aborts (a Web API call takes no signal). */
function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
