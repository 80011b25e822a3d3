import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WaitingConversation } from '../../src/domain/conversation.ts';
import { buildActions } from '../../src/slack/messages/buttons.ts';
import { conversationButtons } from '../../src/slack/messages/conversation-buttons.ts';
import {
  buildReopenedLine,
  buildResolvedLine,
  buildResolveNotice,
  buildTakeNotice,
  buildTakenLine,
} from '../../src/slack/messages/conversation-lines.ts';
import { buildWaitingEntry, WAITING_ENTRY_MAX } from '../../src/slack/messages/waiting-entry.ts';
import { buildWaitingConversationsBlocks } from '../../src/slack/views/app-home-waiting.ts';
import { grownText } from '../support/arbitraries.ts';
import { messageIssues, viewIssues } from '../support/block-kit-surfaces.ts';

/**
 * What a customer or a peer sent (a masked number, an order reference, a link) reaches the App Home's
 * waiting list; users reach the thread lines. Slack must take them whatever they hold, escaping growth
 * included, and no outside text may become a mention, a broadcast or a link.
 */
const slackUser = fc.stringMatching(/^[UW][A-Z0-9]{1,30}$/);
// The service only ever gives Slack user ids; the builders stay safe with anything.
const user = fc.oneof({ weight: 3, arbitrary: slackUser }, { weight: 1, arbitrary: grownText(300) });
const date = fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('2100-01-01') });
const incomingId = fc.uuid();
const permalink = fc.oneof(
  fc.webUrl({ validSchemes: ['https'], withQueryParameters: true, withFragments: true }),
  fc.constant('https://acme.slack.com/archives/C1/p1?thread_ts=1.2&cid=C1'),
  grownText(3000),
);
const waiting: fc.Arbitrary<WaitingConversation> = fc.record({
  incomingId,
  customerMasked: grownText(200),
  referenceId: fc.option(grownText(100), { nil: undefined }),
  waitingSince: date,
  messages: fc.integer({ min: 1, max: 1_000_000 }),
  permalink: fc.option(permalink, { nil: undefined }),
  owner: fc.option(user, { nil: undefined }),
  ownedSince: fc.option(date, { nil: undefined }),
});

/** Mentions only of these Slack users; no broadcast, channel or link but our own "open the thread". */
function expectInert(mrkdwn: string, users: ReadonlyArray<string | undefined>) {
  const allowed = users.filter((u): u is string => u !== undefined && /^[UW][A-Z0-9]{1,30}$/.test(u));
  for (const [mention] of mrkdwn.matchAll(/<@[^>]*>/g)) {
    expect(allowed.map((u) => `<@${u}>`)).toContain(mention);
  }
  expect(mrkdwn).not.toMatch(/<#|<!(?!date\^)/);
  for (const [link] of mrkdwn.matchAll(/<https?:[^>]*>/g)) expect(link).toMatch(/\|open the thread>$/);
}

const runs = { numRuns: 200 };

describe('conversation messages within Slack’s limits, whatever they carry', () => {
  it('the thread lines and the clicker’s notices', () => {
    fc.assert(
      fc.property(user, user, date, incomingId, (a, b, at, id) => {
        const messages = [
          buildTakenLine({ outcome: 'took', owner: a, since: at }),
          buildTakenLine({ outcome: 'took_over', owner: a, from: b, since: at }),
          buildResolvedLine({ outcome: 'resolved', by: a, at, owner: b }),
          buildReopenedLine({ owner: a, resolvedBy: b, resolvedAt: at, notify: a }),
          buildReopenedLine({ owner: undefined, resolvedBy: b, resolvedAt: at, notify: b }),
          buildTakeNotice({ outcome: 'already_yours', owner: a, since: at }, id),
          buildTakeNotice({ outcome: 'owned_by_other', owner: b, since: at }, id),
          buildResolveNotice({ outcome: 'already_resolved', by: a, at }),
        ];
        for (const message of messages) {
          expect(messageIssues(message)).toEqual([]);
          expect(message.text.length).toBeGreaterThan(0);
          expectInert(message.text, [a, b]);
        }
      }),
      runs,
    );
  });

  it('the buttons on a customer’s message', () => {
    fc.assert(
      fc.property(incomingId, fc.option(slackUser, { nil: undefined }), (id, owner) => {
        const block = buildActions(conversationButtons(id, owner));
        expect(messageIssues({ text: 'x', blocks: [block] })).toEqual([]);
      }),
      runs,
    );
  });

  it('each waiting entry, and the App Home part they make, however many', () => {
    fc.assert(
      fc.property(fc.array(waiting, { maxLength: 12 }), fc.nat(), date, (conversations, beyond, now) => {
        for (const conversation of conversations) {
          const entry = buildWaitingEntry(conversation, now);
          expect(entry.length).toBeLessThanOrEqual(WAITING_ENTRY_MAX);
          expectInert(entry, [conversation.owner]);
        }
        const total = conversations.length + beyond;
        const blocks = buildWaitingConversationsBlocks({ ok: true, value: { total, conversations } }, now);
        expect(viewIssues({ type: 'home', blocks })).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
