import { type Logger, SocketModeReceiver } from '@slack/bolt';
import { errorCodeOf } from '../errors/error-code.ts';
import { SlackUnreachableError } from '../errors/slack-unreachable-error.ts';

/**
 * How long a start keeps asking Slack for a connection. Slack's client retries a failed request
 * without end (logging "http request failed fetch failed"), naming neither Slack nor the address; past
 * this the start fails, saying both.
 */
export const SOCKET_MODE_START_DEADLINE_MS = 30_000;

export type SocketModeConnection = {
  receiver: SocketModeReceiver;
  /** Resolves once connected; throws SlackUnreachableError after `deadlineMs` without a connection. */
  start(): Promise<void>;
  stop(): Promise<void>;
};

/** Bolt's Socket Mode receiver, watched: the address it asks and the last network error on the way. */
export function createSocketModeConnection(options: {
  appToken: string;
  apiUrl: string;
  logger: Logger;
  deadlineMs?: number;
}): SocketModeConnection {
  const deadlineMs = options.deadlineMs ?? SOCKET_MODE_START_DEADLINE_MS;
  let lastAddress = new URL('apps.connections.open', options.apiUrl).href;
  let lastCode: string | undefined;
  const watchedFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    lastAddress = `${url.origin}${url.pathname}`;
    try {
      return await fetch(input, init);
    } catch (error) {
      lastCode = errorCodeOf(error) ?? (error instanceof Error ? error.message : undefined);
      throw error;
    }
  };
  const receiver = new SocketModeReceiver({
    appToken: options.appToken,
    logger: options.logger,
    // apps.connections.open goes to the configured Slack API base too.
    installerOptions: { clientOptions: { slackApiUrl: options.apiUrl, fetch: watchedFetch } },
  });
  return {
    receiver,
    async start() {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SlackUnreachableError(lastAddress, lastCode, deadlineMs)),
          deadlineMs,
        );
      });
      try {
        await Promise.race([receiver.start(), deadline]);
      } catch (error) {
        if (error instanceof SlackUnreachableError) await receiver.stop().catch(() => undefined);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    stop: () => receiver.stop(),
  };
}
