import { describe, expect, it } from 'vitest';
import { buildReplyModalMetadata, readReplyModalMetadata } from '../../src/slack/views/reply-modal.ts';

describe('the reply modal’s private_metadata', () => {
  it('reads back what it carried: the message answered and the thread to report in', () => {
    const metadata = {
      incomingId: '2846cb9b-b878-48fc-b641-d70f43e1506a',
      channelId: 'C0ORDERS',
      threadTs: '1700000000.000100',
    };
    expect(readReplyModalMetadata(buildReplyModalMetadata(metadata))).toEqual(metadata);
    const dm = { incomingId: 'abc', channelId: undefined, threadTs: undefined };
    expect(readReplyModalMetadata(buildReplyModalMetadata(dm))).toEqual(dm);
  });

  it('refuses anything else: not JSON, no id, a channel or thread that is not Slack’s, prototype keys', () => {
    for (const bad of [
      undefined,
      '',
      'not json',
      '[]',
      '{}',
      '{"incomingId":"a b"}',
      '{"incomingId":"x","channelId":"#general"}',
      '{"incomingId":"x","channelId":"C1234","threadTs":"yesterday"}',
      '{"__proto__":{"incomingId":"x"}}',
    ]) {
      expect(readReplyModalMetadata(bad)).toBeUndefined();
    }
  });
});
