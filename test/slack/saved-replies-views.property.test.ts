import type { InputBlock, KnownBlock, SectionBlock, StaticSelect } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAVED_REPLIES_MAX, SAVED_REPLY_NAME_MAX, type SavedReply } from '../../src/domain/saved-reply.ts';
import { SESSION_TEXT_MAX } from '../../src/domain/session-text.ts';
import { SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';
import {
  readSavedReplyForm,
  readSavedReplyPick,
  SAVED_REPLY_FIELDS,
  SAVED_REPLY_PICK,
  SAVED_REPLY_REMOVE_ACTION,
} from '../../src/slack/ids.ts';
import { buildSavedRepliesModal, buildSavedReplySelect } from '../../src/slack/views/saved-replies.ts';
import { grownText } from '../support/arbitraries.ts';
import { viewIssues } from '../support/block-kit-surfaces.ts';

const runs = { numRuns: 40 };
const accepted = (view: unknown) => expect(viewIssues(view)).toEqual([]);
/** The select as the Reply form will carry it: a modal with its input. */
const inModal = (block: InputBlock) => ({
  type: 'modal',
  title: { type: 'plain_text', text: 'Reply on WhatsApp' },
  submit: { type: 'plain_text', text: 'Send reply' },
  blocks: [block],
});
const optionsOf = (block: InputBlock | undefined) =>
  (block?.element as StaticSelect | undefined)?.options ?? [];
const accessories = (blocks: readonly KnownBlock[]) =>
  blocks.flatMap((b) =>
    b.type === 'section' && (b as SectionBlock).accessory ? [(b as SectionBlock).accessory] : [],
  );
const reply = (name: string, text: string): SavedReply => ({
  name,
  text,
  savedBy: 'UADMIN',
  savedAt: new Date('2025-03-01T10:00:00Z'),
});
const savedReply = fc
  .tuple(grownText(200), grownText(SESSION_TEXT_MAX), fc.oneof(fc.constant('cli'), grownText(300)))
  .map(([name, text, by]) => ({ ...reply(name, text), savedBy: by }));

describe('saved-reply views within Slack’s limits, whatever the replies say', () => {
  it('the admins’ modal, with any replies and any notice, up to more than a workspace keeps', () => {
    fc.assert(
      fc.property(
        fc.array(savedReply, { maxLength: SAVED_REPLIES_MAX + 15 }),
        grownText(3000),
        (replies, notice) => {
          accepted(buildSavedRepliesModal({ replies, notice }));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('more replies than a workspace keeps (none should be): the modal still opens, the first ones listed', () => {
    const replies = Array.from({ length: SLACK_LIMITS.viewBlocks + 10 }, (_, i) => reply(`r${i}`, 'x'));
    const modal = buildSavedRepliesModal({ replies, notice: 'n' });
    accepted(modal);
    expect(accessories(modal.blocks as KnownBlock[])[0]).toMatchObject({ value: 'r0' });
    const select = buildSavedReplySelect(replies);
    if (!select) throw new Error('no select');
    accepted(inModal(select));
  });

  it('the Reply form’s select, for any replies', () => {
    fc.assert(
      fc.property(fc.array(savedReply, { minLength: 1, maxLength: 120 }), (replies) => {
        const select = buildSavedReplySelect(replies);
        if (select) accepted(inModal(select));
      }),
      runs,
    );
  });

  it('a full workspace of the longest names and texts that grow most: every reply listed, nothing cut', () => {
    const names = Array.from({ length: SAVED_REPLIES_MAX }, (_, i) =>
      `${i}&`.padEnd(SAVED_REPLY_NAME_MAX, '<'),
    );
    const replies = names.map((name) => reply(name, '&<>\n'.repeat(SESSION_TEXT_MAX / 4)));
    const modal = buildSavedRepliesModal({ replies });
    accepted(modal);
    const buttons = accessories(modal.blocks as KnownBlock[]);
    expect(buttons.map((b) => (b && 'value' in b ? b.value : undefined))).toEqual(names);
    // Full: no add form, no submit; the admin is told to remove one first.
    expect(modal.submit).toBeUndefined();
    expect(JSON.stringify(modal)).not.toContain(SAVED_REPLY_FIELDS.name.blockId);
    expect(JSON.stringify(modal)).toContain('remove one to add another');

    const select = buildSavedReplySelect(replies);
    if (!select) throw new Error('no select');
    accepted(inModal(select));
    expect(optionsOf(select).map((o) => [o.text.text, o.value])).toEqual(names.map((n) => [n, n]));
  });
});

describe('the saved-reply views', () => {
  const replies = [
    reply('Running late', 'Hi {name},\nyour order {order} is a day late.'),
    reply('Thanks', 'Thank you!'),
  ];

  it('the select offers each reply by name, its start as the description, placeholders as written', () => {
    const select = buildSavedReplySelect(replies);
    expect(select).toMatchObject({ block_id: SAVED_REPLY_PICK.blockId, optional: true });
    expect(optionsOf(select)).toEqual([
      {
        text: { type: 'plain_text', text: 'Running late' },
        value: 'Running late',
        description: { type: 'plain_text', text: 'Hi {name}, your order {order} is a day late.' },
      },
      {
        text: { type: 'plain_text', text: 'Thanks' },
        value: 'Thanks',
        description: { type: 'plain_text', text: 'Thank you!' },
      },
    ]);
    expect(buildSavedReplySelect([])).toBeUndefined();
    const long = buildSavedReplySelect([reply('Long', 'word '.repeat(100))]);
    const description = optionsOf(long)[0]?.description?.text ?? '';
    expect(description).toHaveLength(SLACK_LIMITS.optionDescription);
    expect(description.endsWith('…')).toBe(true);
  });

  it('the modal escapes what admins wrote, and each Remove asks first, naming the reply', () => {
    const modal = buildSavedRepliesModal({
      replies: [reply('<!channel> & co', 'Hi <@U123> {name}')],
      notice: 'Removed “<b>”.',
    });
    // What Slack reads as mrkdwn (the button's value and the confirmation are plain text).
    const mrkdwn = JSON.stringify(modal.blocks, (key, value) => (key === 'accessory' ? undefined : value));
    expect(mrkdwn).toContain('*&lt;!channel&gt; &amp; co* · saved by <@UADMIN>');
    expect(mrkdwn).toContain('\\n> Hi &lt;@U123&gt; {name}');
    expect(mrkdwn).toContain('Removed “&lt;b&gt;”.');
    expect(mrkdwn).not.toMatch(/<!channel>|<@U123>|<b>/);
    expect(accessories(modal.blocks as KnownBlock[])[0]).toMatchObject({
      action_id: SAVED_REPLY_REMOVE_ACTION,
      value: '<!channel> & co',
      style: 'danger',
      confirm: { text: { text: expect.stringContaining('“<!channel> & co”') } },
    });
    expect(modal.submit).toEqual({ type: 'plain_text', text: 'Save reply' });
  });

  it('reads back the form and the pick as typed, never throwing on what is not ours', () => {
    const state = (blockId: string, actionId: string, element: unknown) => ({
      state: { values: { [blockId]: { [actionId]: element } } },
    });
    const pick = state(SAVED_REPLY_PICK.blockId, SAVED_REPLY_PICK.actionId, {
      type: 'static_select',
      selected_option: { value: 'Running late' },
    });
    expect(readSavedReplyPick(pick)).toBe('Running late');
    expect(readSavedReplyPick({ state: { values: { __proto__: { polluted: 1 } } } })).toBeUndefined();
    expect(readSavedReplyPick(null)).toBeUndefined();
    const form = {
      state: {
        values: {
          [SAVED_REPLY_FIELDS.name.blockId]: { [SAVED_REPLY_FIELDS.name.actionId]: { value: ' Late ' } },
          [SAVED_REPLY_FIELDS.text.blockId]: { [SAVED_REPLY_FIELDS.text.actionId]: { value: 'Hi {name}' } },
        },
      },
    };
    expect(readSavedReplyForm(form)).toEqual({ name: ' Late ', text: 'Hi {name}' });
    expect(readSavedReplyForm('nonsense')).toEqual({});
  });
});
