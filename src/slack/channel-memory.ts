/** How long a process remembers that the bot cannot post in a channel (an invite takes effect within it). */
export const CLOSED_CHANNEL_TTL_MS = 10 * 60_000;
const MAX_CHANNELS = 10_000;

/**
 * Channels where `chat.postMessage` answered that the bot may not post (a private channel or a DM it
 * is not in). Outcomes there go straight to the command's response_url instead of failing a call first.
 */
export function createChannelMemory(now: () => number = Date.now) {
  const closed = new Map<string, number>();
  return {
    isKnownClosed(channelId: string): boolean {
      const until = closed.get(channelId);
      if (until === undefined) return false;
      if (until > now()) return true;
      closed.delete(channelId);
      return false;
    },
    cannotPost(channelId: string): void {
      closed.delete(channelId);
      closed.set(channelId, now() + CLOSED_CHANNEL_TTL_MS);
      if (closed.size > MAX_CHANNELS) closed.delete(closed.keys().next().value as string);
    },
  };
}

export type ChannelMemory = ReturnType<typeof createChannelMemory>;
