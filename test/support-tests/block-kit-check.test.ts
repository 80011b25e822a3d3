import { describe, expect, it } from 'vitest';
import { BLOCK_KIT_LIMITS } from '../../src/slack/block-kit-limits.ts';
import { messageIssues, responseActionIssues, viewIssues } from '../support/block-kit-surfaces.ts';
import { refusalOf, responseUrlRefusal } from '../support/fake-slack-refusals.ts';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string) => ({ type: 'section', text: mrkdwn(text) });
const input = (blockId: string, element: Record<string, unknown>) => ({
  type: 'input',
  block_id: blockId,
  label: plain('Label'),
  element: { action_id: 'a', ...element },
});
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  title: plain('Title'),
  submit: plain('Send'),
  close: plain('Cancel'),
  blocks,
  ...extra,
});

// Shaped as the examples on the docs.slack.dev page each block names (section-block, context-block,
// actions-block, input-block, header-block, modal-views): the checker must take what Slack shows as valid.
const PUBLISHED_SHAPES = {
  sectionWithFieldsAndButton: {
    type: 'section',
    text: mrkdwn('A message *with some bold text* and _some italicized text_.'),
    fields: [mrkdwn('*Priority*'), mrkdwn('High'), plain('String')],
    accessory: { type: 'button', text: plain('Click Me'), value: 'click_me_123', action_id: 'button-action' },
  },
  header: { type: 'header', text: { type: 'plain_text', text: 'A heading', emoji: true } },
  contextWithImage: {
    type: 'context',
    elements: [
      { type: 'image', image_url: 'https://example.com/pin.png', alt_text: 'images' },
      mrkdwn('Location: **Dogpatch**'),
    ],
  },
  actions: {
    type: 'actions',
    block_id: 'actions1',
    elements: [
      {
        type: 'static_select',
        placeholder: plain('Which witch is the witchiest witch?'),
        action_id: 'select_2',
        options: [
          { text: plain('Matilda'), value: 'matilda' },
          { text: plain('Glinda'), value: 'glinda' },
        ],
      },
      { type: 'button', text: plain('Cancel'), value: 'cancel', action_id: 'button_1' },
    ],
  },
  divider: { type: 'divider' },
} as const;

describe('the Block Kit checker (what the fake Slack refuses)', () => {
  it('takes the shapes Slack publishes, in a message and in a modal', () => {
    const blocks = Object.values(PUBLISHED_SHAPES);
    expect(messageIssues({ text: 'fallback', blocks })).toEqual([]);
    const form = input('b1', { type: 'plain_text_input', multiline: true, max_length: 3000, min_length: 0 });
    expect(viewIssues(modal([...blocks, form]))).toEqual([]);
    expect(viewIssues({ type: 'home', blocks, private_metadata: 'x'.repeat(3000) })).toEqual([]);
  });

  it('refuses each over-limit figure of the table, naming where, as Slack words it', () => {
    const L = BLOCK_KIT_LIMITS;
    expect(messageIssues({ blocks: [section('x'.repeat(L.sectionText.max + 1))] })).toEqual([
      'must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(messageIssues({ blocks: Array.from({ length: 51 }, () => PUBLISHED_SHAPES.divider) })).toEqual([
      'no more than 50 items allowed [json-pointer:/blocks]',
    ]);
    expect(viewIssues(modal([input('b', { type: 'plain_text_input', max_length: 4096 })]))).toEqual([
      'must be less than or equal to 3000 [json-pointer:/view/blocks/0/element/max_length]',
    ]);
    expect(viewIssues(modal([section('ok')], { title: plain('x'.repeat(25)) }))).toEqual([
      'must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    expect(viewIssues(modal([section('ok')], { private_metadata: 'x'.repeat(3001) }))).toEqual([
      'must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ]);
    const button = (over: Record<string, unknown>) => ({
      blocks: [
        { type: 'actions', elements: [{ type: 'button', text: plain('Go'), action_id: 'go', ...over }] },
      ],
    });
    expect(messageIssues(button({ value: 'v'.repeat(2001) }))).toEqual([
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ]);
    expect(messageIssues(button({ text: plain('t'.repeat(76)) }))).toEqual([
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
    ]);
    const confirm = {
      title: plain('t'.repeat(101)),
      text: plain('x'),
      confirm: plain('y'),
      deny: plain('n'),
    };
    expect(messageIssues(button({ confirm }))).toEqual([
      'must be less than 101 characters [json-pointer:/blocks/0/elements/0/confirm/title/text]',
    ]);
    const options = Array.from({ length: 101 }, (_, i) => ({ text: plain(`o${i}`), value: `${i}` }));
    const select = { type: 'static_select', placeholder: plain('Pick'), options };
    expect(viewIssues(modal([input('s', select)]))).toEqual([
      'no more than 100 items allowed [json-pointer:/view/blocks/0/element/options]',
    ]);
    const longOption = {
      type: 'static_select',
      options: [{ text: plain('x'.repeat(76)), value: 'v'.repeat(151) }],
    };
    expect(viewIssues(modal([input('s', longOption)]))).toEqual([
      'must be less than 76 characters [json-pointer:/view/blocks/0/element/options/0/text/text]',
      'must be less than 151 characters [json-pointer:/view/blocks/0/element/options/0/value]',
    ]);
    expect(messageIssues({ blocks: [{ type: 'header', text: plain('h'.repeat(151)) }] })).toEqual([
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ]);
    const eleven = Array.from({ length: 11 }, () => mrkdwn('x'));
    expect(messageIssues({ blocks: [{ type: 'context', elements: eleven }] })).toEqual([
      'no more than 10 items allowed [json-pointer:/blocks/0/elements]',
    ]);
  });

  it('measures mrkdwn as sent: an escaped text over 3,000 is refused though it was typed shorter', () => {
    const typed = 'R&D '.repeat(500);
    const sent = typed.replace(/&/g, '&amp;');
    expect(typed.length).toBe(2000);
    expect(messageIssues({ blocks: [section(sent)] })).toEqual([
      `must be less than 3001 characters [json-pointer:/blocks/0/text/text]`,
    ]);
  });

  it('refuses malformed surfaces: unknown types, missing fields, stray fields, duplicate ids, input without submit', () => {
    expect(messageIssues({ blocks: [{ type: 'sektion', text: mrkdwn('x') }] })).toEqual([
      'unsupported type: sektion [json-pointer:/blocks/0/type]',
    ]);
    expect(messageIssues({ blocks: [{ type: 'section' }] })).toEqual([
      'must define either `text` or `fields` [json-pointer:/blocks/0]',
    ]);
    expect(messageIssues({ blocks: [{ type: 'header', text: mrkdwn('*bold*') }] })).toEqual([
      'must be a plain_text text object [json-pointer:/blocks/0/text]',
    ]);
    expect(
      messageIssues({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x', emoji: true } }] }),
    ).toEqual(['invalid additional property: emoji [json-pointer:/blocks/0/text]']);
    expect(messageIssues({ blocks: [section('')] })).toEqual([
      'must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ]);
    const twice = { ...section('a'), block_id: 'same' };
    expect(messageIssues({ blocks: [twice, twice] })).toEqual([
      'duplicate block_id: same [json-pointer:/blocks/1/block_id]',
    ]);
    const buttons = [1, 2].map(() => ({ type: 'button', text: plain('b'), action_id: 'same' }));
    expect(messageIssues({ blocks: [{ type: 'actions', elements: buttons }] })).toEqual([
      'duplicate action_id: same [json-pointer:/blocks/0/elements/1/action_id]',
    ]);
    expect(messageIssues({ blocks: [{ type: 'actions', elements: [{ type: 'buton' }] }] })).toEqual([
      'unsupported type: buton [json-pointer:/blocks/0/elements/0/type]',
    ]);
    const noSubmit = { ...modal([input('b', { type: 'plain_text_input' })]), submit: undefined };
    expect(viewIssues(noSubmit)).toEqual([
      'must define `submit` to use an `input` block in modals [json-pointer:/view/blocks/0/input]',
    ]);
    expect(viewIssues({ type: 'modal', blocks: [] })).toEqual([
      'missing required field: title [json-pointer:/view]',
      'must provide at least 1 items [json-pointer:/view/blocks]',
    ]);
  });

  it('answers as Slack answers: invalid_blocks for messages, invalid_arguments for views, 400 on a response_url', () => {
    const tooLong = [section('x'.repeat(3001))];
    expect(refusalOf('chat.postMessage', { channel: 'C1', text: 't', blocks: tooLong })).toEqual({
      ok: false,
      error: 'invalid_blocks',
      errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      response_metadata: {
        messages: ['[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'],
      },
    });
    expect(refusalOf('chat.update', { channel: 'C1', ts: '1.2', text: 't', blocks: tooLong })?.error).toBe(
      'invalid_blocks',
    );
    expect(refusalOf('chat.postEphemeral', { channel: 'C1', user: 'U1' })).toEqual({
      ok: false,
      error: 'no_text',
    });
    expect(
      refusalOf('views.open', { trigger_id: 't', view: modal([], { title: plain('x'.repeat(30)) }) }),
    ).toEqual({
      ok: false,
      error: 'invalid_arguments',
      response_metadata: {
        messages: [
          '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
          '[ERROR] must provide at least 1 items [json-pointer:/view/blocks]',
        ],
      },
    });
    expect(
      refusalOf('views.publish', { user_id: 'U1', view: { type: 'home', blocks: [section('ok')] } }),
    ).toBe(undefined);
    expect(responseUrlRefusal({ text: 't', blocks: tooLong })).toBe('invalid_blocks');
    expect(responseUrlRefusal({ text: 'fine', replace_original: true })).toBe(undefined);
    expect(responseUrlRefusal({ delete_original: true })).toBe(undefined);
  });

  it('checks a view_submission answer: a view it shows, and errors naming only the form’s blocks', () => {
    expect(
      responseActionIssues({ response_action: 'update', view: modal([section('x'.repeat(3001))]) }),
    ).toEqual(['must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]']);
    expect(responseActionIssues({ response_action: 'errors', errors: { nope: 'x' } }, ['b1'])).toEqual([
      'no such block_id: nope [json-pointer:/errors]',
    ]);
    expect(responseActionIssues({ response_action: 'errors', errors: { b1: 'x' } }, ['b1'])).toEqual([]);
  });
});
