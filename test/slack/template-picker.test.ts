import type { ExternalSelect, InputBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateOrderStatus } from '../../src/domain/order-status.ts';
import type { TemplateChoices } from '../../src/services/template-choices.ts';
import { readSendModalValues, readTemplatePick, SEND_FIELDS, TEMPLATE_PICK } from '../../src/slack/ids.ts';
import {
  decodeTemplateOption,
  encodeTemplateOption,
  OPTION_VALUE_MAX,
} from '../../src/slack/template-option.ts';
import { buildSendModal, buildSendModalErrors } from '../../src/slack/views/send-modal.ts';
import {
  buildTemplateOption,
  buildTemplateOptions,
  buildTemplatePickInput,
  MAX_OPTIONS,
} from '../../src/slack/views/template-picker.ts';

const DEFAULT = { name: 'order_status', languageCode: 'en' };
const listed = (names: string[]): TemplateChoices => ({
  ok: true,
  default: DEFAULT,
  templates: [DEFAULT, ...names.map((name) => ({ name, languageCode: 'en_US' }))],
});

function pickState(value: string) {
  return {
    state: {
      values: {
        [SEND_FIELDS.to.blockId]: {
          [SEND_FIELDS.to.actionId]: { type: 'plain_text_input', value: '+919876543210' },
        },
        [SEND_FIELDS.referenceId.blockId]: {
          [SEND_FIELDS.referenceId.actionId]: { type: 'plain_text_input', value: 'P-1' },
        },
        [SEND_FIELDS.status.blockId]: {
          [SEND_FIELDS.status.actionId]: { type: 'static_select', selected_option: { value: 'shipped' } },
        },
        [TEMPLATE_PICK.blockId]: {
          [TEMPLATE_PICK.actionId]: { type: 'external_select', selected_option: { value } },
        },
      },
    },
  };
}

describe('the template option value', () => {
  it('carries name and language, and reads back', () => {
    const value = encodeTemplateOption({ templateName: 'order_update_v2', languageCode: 'en_US' });
    expect(value).toBe('order_update_v2|en_US');
    expect(decodeTemplateOption(value ?? '')).toEqual({
      templateName: 'order_update_v2',
      languageCode: 'en_US',
    });
    expect(decodeTemplateOption('no separator')).toBeUndefined();
    expect(decodeTemplateOption('|en')).toBeUndefined();
    expect(decodeTemplateOption('name|')).toBeUndefined();
  });

  it('fits Slack’s 150 characters exactly, and is left out beyond', () => {
    const fits = 'a'.repeat(OPTION_VALUE_MAX - 3);
    expect(encodeTemplateOption({ templateName: fits, languageCode: 'en' })).toHaveLength(150);
    expect(encodeTemplateOption({ templateName: `${fits}a`, languageCode: 'en' })).toBeUndefined();
  });
});

describe('the template picker', () => {
  it('is an external select starting on the workspace default, optional', () => {
    const block = buildTemplatePickInput(DEFAULT);
    const element = block.element as ExternalSelect;
    expect(block.block_id).toBe(TEMPLATE_PICK.blockId);
    expect(block.optional).toBe(true);
    expect(element).toMatchObject({
      type: 'external_select',
      action_id: TEMPLATE_PICK.actionId,
      min_query_length: 0,
    });
    expect(element.initial_option).toEqual({
      text: { type: 'plain_text', text: 'order_status (en) · default' },
      value: 'order_status|en',
    });
  });

  it('replaces the typed template name and language in the send modal', () => {
    const view = buildSendModal({
      fields: {},
      defaults: { templateName: 'order_status', languageCode: 'en' },
      channelId: 'C1',
      template: { kind: 'pick', default: DEFAULT },
    });
    const ids = view.blocks.map((b) => ('block_id' in b ? b.block_id : undefined));
    expect(ids).toContain(TEMPLATE_PICK.blockId);
    expect(ids).not.toContain(SEND_FIELDS.templateName.blockId);
    expect(ids).not.toContain(SEND_FIELDS.languageCode.blockId);
  });

  it('without a list, the typed name’s hint says why', () => {
    const view = buildSendModal({
      fields: {},
      defaults: { templateName: 'order_status', languageCode: 'en' },
      channelId: 'C1',
      template: { kind: 'type', why: 'No template list: Kaleyra did not send it within 2 s (TIMEOUT).' },
    });
    const block = view.blocks.find((b) => 'block_id' in b && b.block_id === SEND_FIELDS.templateName.blockId);
    expect((block as InputBlock).hint?.text).toMatch(
      /^No template list: .*TIMEOUT.*Leave blank for the workspace default\.$/,
    );
  });
});

describe('buildTemplateOptions', () => {
  it('offers the default first and filters by name or language, any case', () => {
    const choices = listed(['order_shipped', 'delivery_update']);
    expect(buildTemplateOptions(choices, '').options.map((o) => o.value)).toEqual([
      'order_status|en',
      'order_shipped|en_US',
      'delivery_update|en_US',
    ]);
    expect(buildTemplateOptions(choices, ' ORDER_S ').options.map((o) => o.value)).toEqual([
      'order_status|en',
      'order_shipped|en_US',
    ]);
    expect(buildTemplateOptions(choices, 'en_us').options).toHaveLength(2);
  });

  it('offers the default alone without a list', () => {
    const failed: TemplateChoices = { ok: false, default: DEFAULT, reason: 'TIMEOUT' };
    expect(buildTemplateOptions(failed, '').options.map((o) => o.value)).toEqual(['order_status|en']);
  });

  it('answers at most 100 options, the limit exactly', () => {
    const many = listed(Array.from({ length: MAX_OPTIONS }, (_, i) => `order_${i}`));
    const { options } = buildTemplateOptions(many, '');
    expect(options).toHaveLength(MAX_OPTIONS);
    expect(options[0]?.value).toBe('order_status|en');
    expect(options.at(-1)?.value).toBe(`order_${MAX_OPTIONS - 2}|en_US`);
  });

  it('cuts long names to Slack’s 75 characters but keeps the language readable', () => {
    const option = buildTemplateOption({ name: 'x'.repeat(120), languageCode: 'en_US' }, true);
    expect(option?.text.text).toHaveLength(75);
    expect(option?.text.text.endsWith('… (en_US) · default')).toBe(true);
  });

  it('keeps an option within 75 characters however long the language code Kaleyra lists', () => {
    const languageCode = '<!channel><!channel><!channel><https://evil.example/?a=1|click me><!channel>';
    for (const name of ['', 'order_status']) {
      const option = buildTemplateOption({ name, languageCode }, true);
      if (option) expect(option.text.text.length).toBeLessThanOrEqual(75);
    }
  });
});

describe('reading a picked template', () => {
  it('sets both the template name and its language', () => {
    const view = pickState('order_update_v2|en_US');
    expect(readTemplatePick(view)).toBe('order_update_v2|en_US');
    const result = validateOrderStatus(readSendModalValues(view));
    expect(result).toMatchObject({
      ok: true,
      value: { templateName: 'order_update_v2', languageCode: 'en_US' },
    });
  });

  it('refuses a value that is not one of ours, under the picker', () => {
    const result = validateOrderStatus(readSendModalValues(pickState('Order Status|EN')));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const errors = buildSendModalErrors(result.issues, { picked: true });
    expect(Object.keys(errors.errors)).toEqual([TEMPLATE_PICK.blockId]);
  });

  it('puts a language error alone under the picker too', () => {
    const errors = buildSendModalErrors(
      { languageCode: 'Use a WhatsApp language code such as en or en_US.' },
      { picked: true },
    );
    expect(errors.errors).toEqual({
      [TEMPLATE_PICK.blockId]: 'Use a WhatsApp language code such as en or en_US.',
    });
  });
});
