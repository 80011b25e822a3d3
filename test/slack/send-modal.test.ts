import type { ContextBlock, InputBlock, ModalView, PlainTextInput, StaticSelect } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  readSendModalValues,
  SEND_FIELDS,
  SEND_MODAL_CALLBACK,
  type SendModalField,
} from '../../src/slack/ids.ts';
import {
  buildSendModal,
  buildSendModalErrors,
  FIELD_ERROR_MAX,
  readSendModalMetadata,
} from '../../src/slack/views/send-modal.ts';

const defaults = { templateName: 'order_status', languageCode: 'en' };

function input(view: ModalView, field: SendModalField): InputBlock {
  const block = view.blocks.find((b) => 'block_id' in b && b.block_id === SEND_FIELDS[field].blockId);
  if (block?.type !== 'input') throw new Error(`no input block for ${field}`);
  return block as InputBlock;
}

function textElement(view: ModalView, field: SendModalField): PlainTextInput {
  const element = input(view, field).element;
  if (element.type !== 'plain_text_input') throw new Error(`${field} is not a text input`);
  return element;
}

function statusElement(view: ModalView): StaticSelect {
  const element = input(view, 'status').element;
  if (element.type !== 'static_select') throw new Error('status is not a static_select');
  return element;
}

describe('buildSendModal', () => {
  it('has a title, submit and close within Slack’s 24 characters', () => {
    const view = buildSendModal({ fields: {}, defaults, channelId: 'C1' });
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe(SEND_MODAL_CALLBACK);
    expect(view.title.text).toBe('Order status update');
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.submit?.text.length).toBeLessThanOrEqual(24);
    expect(view.close?.text).toBe('Cancel');
  });

  it('sets the Kaleyra limits as max_length', () => {
    const view = buildSendModal({ fields: {}, defaults, channelId: 'C1' });
    expect(textElement(view, 'referenceId').max_length).toBe(35);
    expect(textElement(view, 'description').max_length).toBe(120);
    expect(textElement(view, 'description').multiline).not.toBe(true);
    expect(input(view, 'description').optional).toBe(true);
    expect(input(view, 'to').optional).not.toBe(true);
    expect(textElement(view, 'to').placeholder).toEqual({ type: 'plain_text', text: '+919876543210' });
    expect(input(view, 'to').hint?.text).toMatch(/country code/);
  });

  it('offers exactly the five statuses with their labels', () => {
    const select = statusElement(buildSendModal({ fields: {}, defaults, channelId: 'C1' }));
    expect(select.options?.map((o) => o.value)).toEqual([
      'processing',
      'partially_shipped',
      'shipped',
      'completed',
      'canceled',
    ]);
    expect(select.options?.map((o) => o.text.text)).toContain('Partially shipped');
    expect(select.initial_option).toBeUndefined();
  });

  it('preselects a status typed in any accepted spelling', () => {
    const view = buildSendModal({ fields: { status: 'Partially-Shipped' }, defaults, channelId: 'C1' });
    const select = statusElement(view);
    expect(select.initial_option).toEqual(select.options?.find((o) => o.value === 'partially_shipped'));
    expect(
      statusElement(buildSendModal({ fields: { status: 'lost' }, defaults, channelId: 'C1' })).initial_option,
    ).toBe(undefined);
  });

  it('prefills what the line contained and the workspace defaults', () => {
    const view = buildSendModal({
      fields: {
        to: '+91 98765 43210',
        referenceId: '395001',
        status: 'shipped',
        description: 'Left the warehouse',
      },
      defaults: { templateName: 'order_update', languageCode: 'en_US' },
      channelId: 'C1',
    });
    expect(textElement(view, 'to').initial_value).toBe('+91 98765 43210');
    expect(textElement(view, 'referenceId').initial_value).toBe('395001');
    expect(textElement(view, 'description').initial_value).toBe('Left the warehouse');
    expect(textElement(view, 'templateName').initial_value).toBe('order_update');
    expect(textElement(view, 'languageCode').initial_value).toBe('en_US');
  });

  it('sets no empty initial_value (Slack rejects it)', () => {
    const view = buildSendModal({ fields: { to: '  ', description: '' }, defaults, channelId: 'C1' });
    expect('initial_value' in textElement(view, 'to')).toBe(false);
    expect('initial_value' in textElement(view, 'referenceId')).toBe(false);
    expect('initial_value' in textElement(view, 'description')).toBe(false);
  });

  it('never sets an initial_value longer than max_length', () => {
    const description = 'x'.repeat(121);
    const view = buildSendModal({
      fields: { to: '+9'.repeat(40), referenceId: 'R'.repeat(36), description },
      defaults,
      channelId: 'C1',
    });
    for (const field of ['to', 'referenceId', 'description', 'templateName', 'languageCode'] as const) {
      const element = textElement(view, field);
      expect(element.initial_value?.length ?? 0).toBeLessThanOrEqual(element.max_length ?? 0);
    }
    expect(textElement(view, 'description').initial_value).not.toBe(description);
  });

  it('cuts a long description, drops a long reference, and says so', () => {
    const view = buildSendModal({
      fields: { referenceId: `ORDER-${'9'.repeat(40)}`, description: 'y'.repeat(130) },
      defaults,
      channelId: 'C1',
    });
    expect(textElement(view, 'description').initial_value).toHaveLength(120);
    expect(textElement(view, 'referenceId').initial_value).toBeUndefined();
    const notice = JSON.stringify(view.blocks[0]);
    expect(view.blocks[0]?.type).toBe('context');
    expect(notice).toMatch(/cut to 120/);
    expect(notice).toMatch(/longer than 35/);
  });

  it('keeps a prefilled description on one line', () => {
    const view = buildSendModal({ fields: { description: 'line one\nline two' }, defaults, channelId: 'C1' });
    expect(textElement(view, 'description').initial_value).toBe('line one line two');
  });

  it('shows the line’s issues at the top, escaped', () => {
    const view = buildSendModal({
      fields: { to: '+91' },
      defaults,
      channelId: 'C1',
      issues: { to: 'That is not a valid phone number <!channel>.', status: 'Add a status.' },
    });
    const first = view.blocks[0] as ContextBlock;
    expect(first.type).toBe('context');
    const text = JSON.stringify(first.elements);
    expect(text).toContain('Customer WhatsApp number');
    expect(text).toContain('Add a status.');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('has no notice when there is nothing to say', () => {
    const view = buildSendModal({ fields: {}, defaults, channelId: 'C1', issues: {} });
    expect(view.blocks.every((b) => b.type === 'input')).toBe(true);
    expect(view.blocks).toHaveLength(6);
  });

  it('carries only the channel in private_metadata', () => {
    const view = buildSendModal({ fields: {}, defaults, channelId: 'C42' });
    expect(JSON.parse(view.private_metadata ?? '')).toEqual({ channelId: 'C42' });
    expect(view.private_metadata).not.toMatch(/team|T1|enterprise/i);
    expect(readSendModalMetadata(view.private_metadata)).toEqual({ channelId: 'C42' });
  });

  it('reads back what an agent submits through its own block and action ids', () => {
    const view = buildSendModal({ fields: {}, defaults, channelId: 'C1' });
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks) {
      if (block.type !== 'input') continue;
      const inputBlock = block as InputBlock;
      const element = inputBlock.element as PlainTextInput | StaticSelect;
      const actionId = element.action_id ?? '';
      values[inputBlock.block_id ?? ''] = {
        [actionId]:
          element.type === 'static_select' ? { selected_option: { value: 'shipped' } } : { value: 'v' },
      };
    }
    expect(readSendModalValues({ state: { values } })).toEqual({
      to: 'v',
      referenceId: 'v',
      status: 'shipped',
      description: 'v',
      templateName: 'v',
      languageCode: 'v',
    });
  });
});

describe('readSendModalMetadata', () => {
  it.each([undefined, '', 'not json', '[]', 'null', '{"channelId":5}', '{}'])(
    'reads %j as no channel',
    (raw) => {
      expect(readSendModalMetadata(raw)).toEqual({});
    },
  );

  it('carries the thread of the message the form was opened from, and reads only a Slack ts back', () => {
    const view = buildSendModal({
      fields: {},
      defaults,
      channelId: 'C42',
      fromMessage: { threadTs: '1700000100.000200', found: { to: true, referenceId: false } },
    });
    expect(readSendModalMetadata(view.private_metadata)).toEqual({
      channelId: 'C42',
      threadTs: '1700000100.000200',
    });
    expect(JSON.stringify(view.blocks[0])).toContain('Filled in from the message: the customer’s number.');
    expect(readSendModalMetadata('{"channelId":"C1","threadTs":"<!channel>"}')).toEqual({ channelId: 'C1' });
  });
});

describe('buildSendModalErrors', () => {
  it('maps each field to its block id', () => {
    expect(
      buildSendModalErrors({ to: 'Bad number', referenceId: 'Bad reference', description: 'Too long' }),
    ).toEqual({
      response_action: 'errors',
      errors: {
        [SEND_FIELDS.to.blockId]: 'Bad number',
        [SEND_FIELDS.referenceId.blockId]: 'Bad reference',
        [SEND_FIELDS.description.blockId]: 'Too long',
      },
    });
  });

  it('trims long messages and ignores unknown fields', () => {
    const issues = { status: 'z'.repeat(500), unknown: 'x' } as Record<string, string>;
    const result = buildSendModalErrors(issues);
    expect(Object.keys(result.errors)).toEqual([SEND_FIELDS.status.blockId]);
    expect(result.errors[SEND_FIELDS.status.blockId]?.length).toBeLessThanOrEqual(FIELD_ERROR_MAX);
  });
});
