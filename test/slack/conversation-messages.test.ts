import { describe, expect, it } from 'vitest';
import { describeWaited, type WaitingConversation } from '../../src/domain/conversation.ts';
import { REPLY_ACTION, RESOLVE_ACTION, TAKE_ACTION } from '../../src/slack/ids.ts';
import { buildActions } from '../../src/slack/messages/buttons.ts';
import {
  conversationButtons,
  readResolveValue,
  readTakeValue,
} from '../../src/slack/messages/conversation-buttons.ts';
import {
  buildReopenedLine,
  buildResolvedLine,
  buildResolveNotice,
  buildTakeNotice,
  buildTakenLine,
} from '../../src/slack/messages/conversation-lines.ts';
import { buildWaitingEntry } from '../../src/slack/messages/waiting-entry.ts';
import { buildWaitingConversationsBlocks } from '../../src/slack/views/app-home-waiting.ts';
import { messageIssues, viewIssues } from '../support/block-kit-surfaces.ts';

const ID = '0b9f4c1e-5d7a-4c2e-9a51-3f0e8d6b7a21';
const AT = new Date('2025-03-01T10:00:00Z');
const DATE = '<!date^1740823200^{date_short_pretty} at {time}|2025-03-01 10:00 UTC>';
const textOf = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks);

describe('Take it and Resolve on a customer’s message', () => {
  it('sit beside Reply, each with its own action id, and carry the owner the clicker saw', () => {
    const block = buildActions([
      { actionId: REPLY_ACTION, text: 'Reply', value: ID, style: 'primary' },
      ...conversationButtons(ID, undefined),
    ]);
    expect(block.elements.map((e) => ('action_id' in e ? e.action_id : ''))).toEqual([
      REPLY_ACTION,
      TAKE_ACTION,
      RESOLVE_ACTION,
    ]);
    expect(messageIssues({ text: 'x', blocks: [block] })).toEqual([]);
    const [take, resolve] = conversationButtons(ID, 'UALICE');
    expect(take).toMatchObject({ text: 'Take it', value: `${ID}:UALICE` });
    expect(resolve).toMatchObject({ text: 'Resolve', value: ID });
    expect(readTakeValue(take?.value)).toEqual({ incomingId: ID, from: 'UALICE' });
    expect(readTakeValue(conversationButtons(ID, undefined)[0]?.value)).toEqual({
      incomingId: ID,
      from: undefined,
    });
    expect(readResolveValue(resolve?.value)).toBe(ID);
  });

  it('refuse values this app did not make', () => {
    for (const value of [
      undefined,
      '',
      `${ID}:cli`,
      `${ID}:UALICE:UBOB`,
      `${ID}:`,
      'a b',
      `${'a'.repeat(65)}`,
    ]) {
      expect(readTakeValue(value), String(value)).toBeUndefined();
    }
    for (const value of [undefined, '', `${ID}:UALICE`, '../x']) {
      expect(readResolveValue(value), String(value)).toBeUndefined();
    }
  });
});

describe('the thread lines', () => {
  it('say who took it, who took it over from whom, who resolved it, and who is told of a reopening', () => {
    expect(buildTakenLine({ outcome: 'took', owner: 'UALICE', since: AT }).text).toBe(
      ':raising_hand: <@UALICE> took this conversation.',
    );
    expect(buildTakenLine({ outcome: 'took_over', owner: 'UBOB', from: 'UALICE', since: AT }).text).toBe(
      ':raising_hand: <@UBOB> took it over from <@UALICE>.',
    );
    expect(buildResolvedLine({ outcome: 'resolved', by: 'UCAROL', at: AT, owner: 'UBOB' }).text).toBe(
      ':white_check_mark: <@UCAROL> resolved this conversation. The customer’s next message reopens it.',
    );
    expect(
      buildReopenedLine({ owner: 'UBOB', resolvedBy: 'UCAROL', resolvedAt: AT, notify: 'UBOB' }).text,
    ).toBe(':leftwards_arrow_with_hook: Reopened: the customer wrote again — <@UBOB>');
    expect(
      buildReopenedLine({ owner: undefined, resolvedBy: 'UCAROL', resolvedAt: AT, notify: 'UCAROL' }).text,
    ).toBe(
      `:leftwards_arrow_with_hook: Reopened: the customer wrote again — <@UCAROL>, who resolved it ${DATE}; nobody has taken it yet.`,
    );
  });

  it('tell the clicker when nothing changed, offering a deliberate take-over', () => {
    const mine = buildTakeNotice({ outcome: 'already_yours', owner: 'UALICE', since: AT }, ID);
    expect(mine.text).toBe(`:raising_hand: This conversation is already yours, since ${DATE}.`);
    expect(mine.blocks).toHaveLength(1);
    const other = buildTakeNotice({ outcome: 'owned_by_other', owner: 'UALICE', since: AT }, ID);
    expect(other.text).toBe(
      `:raising_hand: <@UALICE> has had this conversation since ${DATE}, so nothing changed.`,
    );
    expect(other.blocks[1]).toMatchObject({
      type: 'actions',
      elements: [{ action_id: TAKE_ACTION, text: { text: 'Take it over' }, value: `${ID}:UALICE` }],
    });
    expect(buildResolveNotice({ outcome: 'already_resolved', by: 'UCAROL', at: AT }).text).toBe(
      `:white_check_mark: <@UCAROL> already resolved this conversation ${DATE}. The customer’s next message reopens it.`,
    );
    for (const message of [mine, other]) expect(messageIssues(message)).toEqual([]);
  });
});

describe('the App Home’s waiting list', () => {
  const waiting: WaitingConversation = {
    incomingId: ID,
    customerMasked: '+91 •••• 3210',
    referenceId: '395001',
    waitingSince: AT,
    messages: 3,
    permalink: 'https://acme.slack.com/archives/C123/p1740823200000100?thread_ts=1740823100.000100&cid=C123',
    owner: 'UALICE',
    ownedSince: AT,
  };
  const now = new Date(AT.getTime() + (2 * 60 + 15) * 60_000);

  it('shows the customer, the order, how long they waited, the count, the owner and the thread', () => {
    expect(buildWaitingEntry(waiting, now)).toBe(
      `• *+91 •••• 3210* · order \`395001\` · waiting 2 h 15 min (since ${DATE}) · 3 messages · <@UALICE> has it · <https://acme.slack.com/archives/C123/p1740823200000100?thread_ts=1740823100.000100&amp;cid=C123|open the thread>`,
    );
    const lone = { ...waiting, referenceId: undefined, messages: 1, owner: undefined, permalink: undefined };
    expect(buildWaitingEntry(lone, new Date(AT.getTime() + 30_000))).toBe(
      `• *+91 •••• 3210* · no order · waiting under a minute (since ${DATE}) · nobody has it yet`,
    );
  });

  it('says waits in minutes, hours and days', () => {
    const minute = 60_000;
    const hour = 60 * minute;
    const day = 24 * hour;
    expect(describeWaited(-5_000)).toBe('under a minute');
    expect(describeWaited(4 * minute)).toBe('4 min');
    expect(describeWaited(3 * hour)).toBe('3 h');
    expect(describeWaited(day + 3 * hour + 59 * minute)).toBe('1 day 3 h');
    expect(describeWaited(2 * day)).toBe('2 days');
    expect(describeWaited(12 * day + 5 * hour)).toBe('12 days');
  });

  it('lists the entries under its title, says how many more wait, and what went wrong', () => {
    const blocks = buildWaitingConversationsBlocks(
      { ok: true, value: { total: 4, conversations: [waiting, waiting] } },
      now,
    );
    expect(textOf({ blocks })).toContain('*Waiting for an answer*, longest wait first\\n• *+91');
    expect(textOf({ blocks })).toContain('2 more conversations wait: resolve those that need no answer.');
    expect(viewIssues({ type: 'home', blocks })).toEqual([]);
    expect(
      textOf({
        blocks: buildWaitingConversationsBlocks({ ok: true, value: { total: 0, conversations: [] } }, now),
      }),
    ).toContain('No customer is waiting for an answer.');
    expect(textOf({ blocks: buildWaitingConversationsBlocks({ ok: false }, now) })).toContain(':warning:');
  });
});
