import { describe, expect, it } from 'vitest';
import { describeNotInThread, planPost } from '../../src/slack/conversation/post-plan.ts';
import type { OrderOfMessage, PostClaim } from '../../src/storage/incoming-posts.ts';
import type { IncomingRow } from '../../src/storage/incoming-store.ts';

const NOW = Date.parse('2025-03-01T10:00:00Z');

const order = (overrides: Partial<OrderOfMessage> = {}): OrderOfMessage => ({
  attemptId: 'a-1',
  referenceId: '395001',
  actor: 'UAGENT',
  source: 'slack',
  slackPath: 'channel',
  slackChannel: 'CORDERS',
  threadTs: '1700000000.000001',
  createdAt: new Date(NOW - 60 * 60_000),
  ...overrides,
});

const claim = (o: OrderOfMessage | undefined, earlier?: PostClaim['earlierInRepliesChannel']): PostClaim => ({
  message: { id: 'in-1', workspace_id: 'T1' } as IncomingRow,
  tries: 1,
  order: o,
  first: false,
  earlierInRepliesChannel: earlier,
});

describe('planPost', () => {
  it('posts in the order’s thread, then the replies channel, then the agent’s DM', () => {
    expect(planPost(claim(order()), 'C0REPLIES1', NOW)).toEqual({
      kind: 'post',
      reason: undefined,
      targets: [
        { state: 'thread', channel: 'CORDERS', threadTs: '1700000000.000001' },
        { state: 'replies_channel', channel: 'C0REPLIES1' },
        { state: 'dm', channel: 'UAGENT' },
      ],
    });
  });

  it('keeps a conversation together in the replies channel, in its earlier thread there first', () => {
    const earlier = { channel: 'C0REPLIES1', threadTs: '1700000000.000009' };
    const plan = planPost(claim(undefined, earlier), 'C0REPLIES1', NOW);
    expect(plan).toEqual({
      kind: 'post',
      reason: { kind: 'unmatched' },
      targets: [
        { state: 'replies_channel', channel: 'C0REPLIES1', threadTs: '1700000000.000009' },
        { state: 'replies_channel', channel: 'C0REPLIES1' },
      ],
    });
    // An earlier thread in a channel that is no longer the replies channel is not used.
    expect(planPost(claim(undefined, earlier), 'C0OTHER001', NOW)).toMatchObject({
      targets: [{ state: 'replies_channel', channel: 'C0OTHER001' }],
    });
  });

  it('has nowhere to post an unmatched message without a replies channel (it is kept)', () => {
    expect(planPost(claim(undefined), undefined, NOW)).toEqual({
      kind: 'post',
      reason: { kind: 'unmatched' },
      targets: [],
    });
  });

  it('says why an order has no thread: the CLI, a workflow, a bulk job, a response_url, a message gone', () => {
    const cases: Array<[Partial<OrderOfMessage>, string]> = [
      [{ source: 'cli', actor: 'cli', slackPath: null }, 'cli'],
      [{ source: 'workflow', slackPath: null }, 'workflow'],
      [{ source: 'bulk', slackPath: null }, 'bulk'],
      [{ slackPath: 'response_url' }, 'response_url'],
      [{ slackPath: 'gone' }, 'gone'],
      [{ slackPath: 'none' }, 'none'],
    ];
    for (const [overrides, why] of cases) {
      const plan = planPost(claim(order(overrides)), undefined, NOW);
      expect(plan).toMatchObject({ kind: 'post', reason: { kind: 'no_thread', referenceId: '395001', why } });
    }
    // The CLI is not a person to DM; a workflow run for a person is.
    expect(
      planPost(claim(order({ source: 'cli', actor: 'cli', slackPath: null })), undefined, NOW),
    ).toMatchObject({
      targets: [],
    });
    expect(planPost(claim(order({ source: 'workflow', slackPath: null })), undefined, NOW)).toMatchObject({
      targets: [{ state: 'dm', channel: 'UAGENT' }],
    });
  });

  it('waits for an outcome message still being posted, up to two minutes after the send', () => {
    const posting = (ageMs: number) => order({ slackPath: null, createdAt: new Date(NOW - ageMs) });
    expect(planPost(claim(posting(119_999)), undefined, NOW)).toEqual({ kind: 'wait' });
    expect(planPost(claim(posting(120_000)), undefined, NOW)).toMatchObject({
      reason: { kind: 'no_thread', why: 'none' },
    });
  });
});

describe('describeNotInThread', () => {
  it('says it in one sentence per reason', () => {
    expect(describeNotInThread({ kind: 'unmatched' })).toBe(
      'No order sent from this workspace to this number in the last 30 days matches it.',
    );
    expect(describeNotInThread({ kind: 'no_thread', referenceId: '395001', why: 'cli' })).toBe(
      'Order `395001` was sent from the CLI, so it has no Slack thread.',
    );
    expect(describeNotInThread({ kind: 'thread_refused', referenceId: '395001', code: 'is_archived' })).toBe(
      'Could not post in the thread of order `395001` (`is_archived`).',
    );
  });
});
