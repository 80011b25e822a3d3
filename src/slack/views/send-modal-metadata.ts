/** Where the send modal's outcome goes: the only things its private_metadata carries. */
export type SendModalMetadata = { channelId?: string; responseUrl?: string; threadTs?: string };

const PRIVATE_METADATA_MAX = 3000;
const SLACK_TS = /^\d{1,12}\.\d{1,9}$/;

/** Reads the send modal's private_metadata; never throws. The workspace is never taken from here. */
export function readSendModalMetadata(privateMetadata: unknown): SendModalMetadata {
  if (typeof privateMetadata !== 'string' || privateMetadata === '') return {};
  try {
    const parsed: unknown = JSON.parse(privateMetadata);
    if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, 'channelId')) return {};
    const { channelId, responseUrl, threadTs } = parsed as Record<string, unknown>;
    const metadata: SendModalMetadata = {};
    if (typeof channelId === 'string' && channelId !== '') metadata.channelId = channelId;
    if (typeof responseUrl === 'string' && /^https?:\/\//.test(responseUrl))
      metadata.responseUrl = responseUrl;
    if (typeof threadTs === 'string' && SLACK_TS.test(threadTs)) metadata.threadTs = threadTs;
    return metadata;
  } catch {
    return {};
  }
}

/** The send modal's private_metadata: where the outcome goes (and the thread, from a message). */
export function buildSendModalMetadata(where: {
  channelId: string;
  responseUrl: string | undefined;
  threadTs: string | undefined;
}): string {
  const { channelId, responseUrl, threadTs } = where;
  const json = JSON.stringify({
    channelId,
    ...(responseUrl ? { responseUrl } : {}),
    ...(threadTs ? { threadTs } : {}),
  });
  // Slack refuses the whole view over 3000 characters; a modal without a channel can still reply by DM.
  return json.length <= PRIVATE_METADATA_MAX ? json : '{}';
}
