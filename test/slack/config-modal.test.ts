import type { ConversationsSelect, InputBlock, ModalView, PlainTextInput, StaticSelect } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { validateSettingsChanges, type WorkspaceCredentials } from '../../src/domain/workspace-settings.ts';
import { CONFIG_FIELDS, CONFIG_MODAL_CALLBACK, type ConfigModalField } from '../../src/slack/ids.ts';
import {
  buildConfigModal,
  buildConfigModalErrors,
  buildNotAdminMessage,
} from '../../src/slack/views/config-modal.ts';

const API_KEY = 'Ak9f2c7e1b3d4a5f6e7d8c9b0a1f2e3d4';

const current: WorkspaceCredentials = {
  sid: 'HXIN1234567890IN',
  apiKey: API_KEY,
  pod: 'sg',
  businessNumber: '+918000000000',
  templateName: 'order_update',
  languageCode: 'en_US',
  updatedBy: 'U0ADMIN',
  updatedAt: '2025-01-02T03:04:05.000Z',
};

function input(view: ModalView, field: ConfigModalField): InputBlock {
  const block = view.blocks.find((b) => 'block_id' in b && b.block_id === CONFIG_FIELDS[field].blockId);
  if (block?.type !== 'input') throw new Error(`no input for ${field}`);
  return block as InputBlock;
}

function text(view: ModalView, field: ConfigModalField): PlainTextInput {
  return input(view, field).element as PlainTextInput;
}

describe('buildConfigModal', () => {
  it('is titled within Slack’s limits', () => {
    const view = buildConfigModal();
    expect(view.callback_id).toBe(CONFIG_MODAL_CALLBACK);
    expect(view.title.text).toBe('Kaleyra settings');
    for (const label of [view.title.text, view.submit?.text ?? '', view.close?.text ?? '']) {
      expect(label.length).toBeGreaterThan(0);
      expect(label.length).toBeLessThanOrEqual(24);
    }
    expect(view.private_metadata).toBeUndefined();
  });

  it('requires the API key when nothing is saved, and prefills the defaults', () => {
    const view = buildConfigModal({});
    expect(input(view, 'apiKey').optional).not.toBe(true);
    expect('initial_value' in text(view, 'sid')).toBe(false);
    expect(text(view, 'templateName').initial_value).toBe('order_status');
    expect(text(view, 'languageCode').initial_value).toBe('en');
    expect((input(view, 'pod').element as StaticSelect).initial_option).toBeUndefined();
  });

  it('offers the four pods with readable labels, NA included', () => {
    const select = input(buildConfigModal(), 'pod').element as StaticSelect;
    expect(select.type).toBe('static_select');
    expect(select.options?.map((o) => [o.value, o.text.text])).toEqual([
      ['in', 'India (IN)'],
      ['sg', 'Singapore (SG)'],
      ['eu', 'Europe (EU)'],
      ['na', 'North America (NA)'],
    ]);
  });

  it('prefills the saved settings but never the API key', () => {
    const view = buildConfigModal({ current });
    expect(text(view, 'sid').initial_value).toBe(current.sid);
    expect(text(view, 'businessNumber').initial_value).toBe(current.businessNumber);
    expect(text(view, 'templateName').initial_value).toBe('order_update');
    expect(text(view, 'languageCode').initial_value).toBe('en_US');
    expect((input(view, 'pod').element as StaticSelect).initial_option?.value).toBe('sg');
    expect('initial_value' in text(view, 'apiKey')).toBe(false);
    expect(input(view, 'apiKey').optional).toBe(true);
    expect(input(view, 'apiKey').hint?.text).toMatch(/^Leave blank to keep the saved key \(Ak••••e3d4\)/);
    const json = JSON.stringify(view);
    expect(json).not.toContain(API_KEY);
    expect(json).not.toContain(API_KEY.slice(0, 12));
  });

  it('offers the replies channel as an optional channel picker, prefilled with the saved one', () => {
    const empty = input(buildConfigModal(), 'repliesChannel');
    expect(empty.optional).toBe(true);
    const select = empty.element as ConversationsSelect;
    expect(select.type).toBe('conversations_select');
    expect(select.action_id).toBe(CONFIG_FIELDS.repliesChannel.actionId);
    expect(select.initial_conversation).toBeUndefined();
    expect(select.filter?.include).toEqual(['public', 'private']);
    const saved = input(
      buildConfigModal({ current: { ...current, repliesChannel: 'C0REPLIES1' } }),
      'repliesChannel',
    );
    expect((saved.element as ConversationsSelect).initial_conversation).toBe('C0REPLIES1');
  });

  it('offers the status spelling, Kaleyra’s preselected unless Meta’s is saved, and names it under its error', () => {
    const spelling = (view: ModalView) => input(view, 'statusSpelling').element as StaticSelect;
    expect(spelling(buildConfigModal()).initial_option?.value).toBe('kaleyra');
    expect(spelling(buildConfigModal({ current })).initial_option?.value).toBe('kaleyra');
    const meta = spelling(buildConfigModal({ current: { ...current, statusSpelling: 'meta' } }));
    expect(meta.initial_option?.value).toBe('meta');
    expect(meta.options?.map((option) => option.value)).toEqual(['kaleyra', 'meta']);
    const refused = validateSettingsChanges({ ...current, statusSpelling: 'hyphen' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(buildConfigModalErrors(refused.issues).errors).toEqual({
      [CONFIG_FIELDS.statusSpelling.blockId]:
        'The status spelling is kaleyra (partially_shipped, the default) or meta (partially-shipped).',
    });
  });

  it('says who changed the settings last', () => {
    const json = JSON.stringify(buildConfigModal({ current }));
    expect(json).toContain('<@U0ADMIN>');
    expect(json).toContain('<!date^1735787045^');
  });
});

describe('buildConfigModalErrors', () => {
  it('maps fields to block ids', () => {
    expect(buildConfigModalErrors({ apiKey: 'Enter the Kaleyra API key.', pod: 'Choose the pod.' })).toEqual({
      response_action: 'errors',
      errors: {
        [CONFIG_FIELDS.apiKey.blockId]: 'Enter the Kaleyra API key.',
        [CONFIG_FIELDS.pod.blockId]: 'Choose the pod.',
      },
    });
  });
});

describe('the replies channel setting', () => {
  const base = { sid: current.sid, pod: 'in', businessNumber: current.businessNumber };
  it('takes a channel id (C or G and 8 to 20 capitals and digits), trimmed', () => {
    for (const id of ['C01234567', 'G0123456789', ` C${'A'.repeat(20)} `]) {
      const result = validateSettingsChanges({ ...base, repliesChannel: id });
      expect(result.ok && result.value.repliesChannel).toBe(id.trim());
    }
  });

  it('refuses a name, a DM, a user, or an id one character off either bound', () => {
    for (const id of ['#orders', 'D01234567', 'U01234567', 'C1234567', `C${'A'.repeat(21)}`, 'c01234567']) {
      const result = validateSettingsChanges({ ...base, repliesChannel: id });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues.repliesChannel).toMatch(/Slack channel id/);
    }
  });
});

describe('buildNotAdminMessage', () => {
  it('tells a non-admin who can change the settings', () => {
    const message = buildNotAdminMessage();
    expect(message.text).toMatch(/admins and owners/);
    expect(message.text).toContain('/orderstatus config');
    expect(message.blocks.length).toBeGreaterThan(0);
  });
});
