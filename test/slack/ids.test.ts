import { describe, expect, it } from 'vitest';
import {
  CONFIG_FIELDS,
  CONFIG_MODAL_CALLBACK,
  RESEND_ACTION,
  RETRY_ACTION,
  readConfigModalValues,
  readSendModalValues,
  SEND_FIELDS,
  SEND_MODAL_CALLBACK,
} from '../../src/slack/ids.ts';

function sendState(values: Record<string, Record<string, unknown>>): unknown {
  return { state: { values } };
}

describe('ids', () => {
  it('are distinct and within Slack’s 255-character limit', () => {
    const ids = [
      SEND_MODAL_CALLBACK,
      CONFIG_MODAL_CALLBACK,
      RESEND_ACTION,
      RETRY_ACTION,
      ...Object.values(SEND_FIELDS).map((f) => f.blockId),
      ...Object.values(CONFIG_FIELDS).map((f) => f.blockId),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(255);
    expect(SEND_MODAL_CALLBACK).toBe('orderstatus_send');
    expect(CONFIG_MODAL_CALLBACK).toBe('orderstatus_config');
    expect(RESEND_ACTION).toBe('orderstatus_send_again');
    expect(RETRY_ACTION).toBe('orderstatus_retry');
  });
});

describe('readSendModalValues', () => {
  it('reads text inputs and the status select', () => {
    const view = sendState({
      [SEND_FIELDS.to.blockId]: {
        [SEND_FIELDS.to.actionId]: { type: 'plain_text_input', value: '+919876543210' },
      },
      [SEND_FIELDS.referenceId.blockId]: {
        [SEND_FIELDS.referenceId.actionId]: { type: 'plain_text_input', value: '395001' },
      },
      [SEND_FIELDS.status.blockId]: {
        [SEND_FIELDS.status.actionId]: { type: 'static_select', selected_option: { value: 'shipped' } },
      },
      [SEND_FIELDS.description.blockId]: {
        [SEND_FIELDS.description.actionId]: { type: 'plain_text_input', value: null },
      },
      [SEND_FIELDS.templateName.blockId]: {
        [SEND_FIELDS.templateName.actionId]: { type: 'plain_text_input', value: 'order_status' },
      },
      [SEND_FIELDS.languageCode.blockId]: {
        [SEND_FIELDS.languageCode.actionId]: { type: 'plain_text_input', value: '   ' },
      },
    });
    expect(readSendModalValues(view)).toEqual({
      to: '+919876543210',
      referenceId: '395001',
      status: 'shipped',
      templateName: 'order_status',
    });
  });

  it('treats an unselected status as absent', () => {
    const view = sendState({
      [SEND_FIELDS.status.blockId]: {
        [SEND_FIELDS.status.actionId]: { type: 'static_select', selected_option: null },
      },
    });
    expect(readSendModalValues(view)).toEqual({});
  });

  it.each([
    undefined,
    null,
    42,
    'view',
    [],
    { state: null },
    { state: { values: 'x' } },
    { state: { values: { [SEND_FIELDS.to.blockId]: null } } },
    { state: { values: { [SEND_FIELDS.to.blockId]: { [SEND_FIELDS.to.actionId]: { value: 12 } } } } },
    { state: { values: { [SEND_FIELDS.to.blockId]: { [SEND_FIELDS.to.actionId]: ['+91'] } } } },
  ])('never throws on malformed state (%j)', (view) => {
    expect(readSendModalValues(view)).toEqual({});
  });

  it('ignores inherited properties', () => {
    const values = Object.create({
      [SEND_FIELDS.to.blockId]: { [SEND_FIELDS.to.actionId]: { value: '+1' } },
    });
    expect(readSendModalValues({ state: { values } })).toEqual({});
    expect(
      readSendModalValues(JSON.parse('{"state":{"values":{"__proto__":{"to":{"value":"x"}}}}}')),
    ).toEqual({});
  });
});

describe('readConfigModalValues', () => {
  it('reads every settings field and leaves a blank API key out', () => {
    const view = {
      state: {
        values: {
          [CONFIG_FIELDS.sid.blockId]: { [CONFIG_FIELDS.sid.actionId]: { value: 'HXIN123' } },
          [CONFIG_FIELDS.apiKey.blockId]: { [CONFIG_FIELDS.apiKey.actionId]: { value: null } },
          [CONFIG_FIELDS.pod.blockId]: { [CONFIG_FIELDS.pod.actionId]: { selected_option: { value: 'sg' } } },
          [CONFIG_FIELDS.businessNumber.blockId]: {
            [CONFIG_FIELDS.businessNumber.actionId]: { value: '+918000000000' },
          },
          [CONFIG_FIELDS.templateName.blockId]: {
            [CONFIG_FIELDS.templateName.actionId]: { value: 'order_status' },
          },
          [CONFIG_FIELDS.languageCode.blockId]: { [CONFIG_FIELDS.languageCode.actionId]: { value: 'en_US' } },
        },
      },
    };
    expect(readConfigModalValues(view)).toEqual({
      sid: 'HXIN123',
      pod: 'sg',
      businessNumber: '+918000000000',
      templateName: 'order_status',
      languageCode: 'en_US',
    });
  });

  it('never throws on malformed state', () => {
    expect(readConfigModalValues({ state: { values: [] } })).toEqual({});
    expect(readConfigModalValues(undefined)).toEqual({});
  });
});
