import type { KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { WorkspaceCredentials } from '../../src/domain/workspace-settings.ts';
import { StorageError } from '../../src/errors/storage-error.ts';
import type { AdminData, HomeData } from '../../src/services/app-home.ts';
import { HOME_HISTORY_ACTION, HOME_SETTINGS_ACTION } from '../../src/slack/ids.ts';
import { buildAppHome, fitBlocks, HOME_MAX_BLOCKS } from '../../src/slack/views/app-home.ts';
import { activityText, buildAdminHomeBlocks, MAX_CODES_SHOWN } from '../../src/slack/views/app-home-admin.ts';
import type { KeptReply, WaitingReply } from '../../src/storage/incoming-lists.ts';
import type { HistoryEntry } from '../../src/storage/order-history-store.ts';
import type { WorkspaceActivity } from '../../src/storage/workspace-activity.ts';

const SETTINGS: WorkspaceCredentials = {
  sid: 'HXIN1234567890IN',
  apiKey: 'Ahomekey0000000000000000000000001',
  pod: 'na',
  businessNumber: '+919876500000',
  templateName: 'order_status',
  languageCode: 'en',
  updatedBy: 'UADMIN',
  updatedAt: '2025-01-01T00:00:00.000Z',
};

function entry(reference: string, description?: string): HistoryEntry {
  return {
    id: `id-${reference}`,
    created_at: new Date('2025-03-01T10:00:00Z'),
    actor: 'UAGENT',
    source: 'slack',
    customer_masked: '+91 •••• 3210',
    reference_id: reference,
    status: 'shipped',
    description: description ?? null,
    forced: false,
    outcome: 'sent',
    message_id: 'AMSG0000000000000001',
    error_code: null,
    delivery_state: 'delivered',
    whatsapp_sent_at: null,
    delivered_at: new Date('2025-03-01T10:00:05Z'),
    read_at: null,
    delivery_failed_at: null,
    delivery_error_code: null,
    delivery_error_text: null,
  };
}

const QUIET: WorkspaceActivity = {
  sent: 4,
  delivered: 3,
  read: 1,
  failures: [],
  duplicates: 2,
  awaitingCallbacks: 0,
  oldestAwaitingAt: null,
};

const CALLBACKS = { url: 'https://orders.example.com/kaleyra/callbacks', publicUrlSet: true };

function home(data: Partial<HomeData>) {
  const view = buildAppHome({
    workspaceId: 'T1',
    callbacks: CALLBACKS,
    data: {
      settings: { ok: true, value: SETTINGS },
      recent: { ok: true, value: { entries: [entry('395001')], more: false } },
      waiting: { ok: true, value: [] },
      admin: 'no',
      ...data,
    },
  });
  return { view, text: JSON.stringify(view) };
}

const admin = (overrides: Partial<AdminData> = {}): AdminData => ({
  callbacks: {
    ok: true,
    value: { username: 'cb-user', rotatedAt: new Date(), rotatedBy: 'UADMIN', lastCallbackAt: null },
  },
  activity: { ok: true, value: QUIET },
  kept: { ok: true, value: { count: 0, newest: [] } },
  health: { ok: true, value: undefined },
  ...overrides,
});

const waitingReply = (i: number): WaitingReply => ({
  id: `in-${i}`,
  customerMasked: '+91 •••• 3210',
  referenceId: `R${i}`,
  sentAt: new Date('2025-03-01T10:00:00Z'),
  waiting: i + 1,
  permalink: `https://fake.slack.com/archives/CORDERS/p1700000000${String(i).padStart(6, '0')}?thread_ts=1700000000.000001`,
});

const keptReply = (i: number, text = 'Where is it?'): KeptReply => ({
  id: `kept-${i}`,
  customerMasked: '+1 •••• 0123',
  customerName: '<!channel> Sam',
  type: 'text',
  text,
  sentAt: new Date('2025-03-01T10:00:00Z'),
  note: 'No order sent from this workspace to this number in the last 30 days matches it.',
});

describe('buildAppHome', () => {
  it('tells everyone what the app does, the workspace’s setup and their sends, each with a history button', () => {
    const { view, text } = home({});
    expect(view.type).toBe('home');
    expect(text).toContain('Send order status');
    expect(text).toContain('North America (NA)');
    expect(text).toContain('+91 •••• 0000');
    expect(text).toContain('Template picker:* off');
    const buttons = view.blocks.flatMap((b) => {
      const accessory = b.type === 'section' ? (b as SectionBlock).accessory : undefined;
      return accessory?.type === 'button' ? [accessory] : [];
    });
    expect(buttons).toEqual([expect.objectContaining({ action_id: HOME_HISTORY_ACTION, value: '395001' })]);
    expect(text).not.toContain(HOME_SETTINGS_ACTION);
  });

  it('shows the picker on when a WABA id is set, and how to set up a workspace that is not', () => {
    expect(
      home({ settings: { ok: true, value: { ...SETTINGS, wabaId: '104996122399160' } } }).text,
    ).toContain('Template picker:* on');
    const bare = home({ settings: { ok: true, value: undefined } }).text;
    expect(bare).toContain('Not set up yet');
    expect(bare).toContain('/orderstatus config');
  });

  it('says which parts could not be read, and shows the rest', () => {
    const failed = { ok: false as const, error: new StorageError('down') };
    const { text } = home({ settings: failed, recent: { ok: false } });
    expect(text).toContain('so the settings cannot be shown');
    expect(text).toContain('so your updates cannot be shown');
    expect(text).toContain('STORAGE_UNAVAILABLE');
    expect(text).toContain('Order Status');
  });

  it('says so when the role could not be checked, with no admin part', () => {
    const { text } = home({ admin: 'unknown' });
    expect(text).toContain('Could not check your Slack role');
    expect(text).not.toContain(HOME_SETTINGS_ACTION);
  });

  it('lists the customers waiting for an answer with a link to each thread, never what they wrote', () => {
    const { text } = home({
      waiting: {
        ok: true,
        value: [waitingReply(0), { ...waitingReply(1), referenceId: undefined, permalink: undefined }],
      },
    });
    expect(text).toContain('Waiting for an answer');
    expect(text).toContain('order `R0`');
    expect(text).toContain('|open the thread>');
    expect(text).toContain('p1700000000000000?thread_ts=1700000000.000001|open the thread>');
    expect(text).toContain('no order · 2 messages');
    expect(home({}).text).toContain('No customer is waiting for an answer.');
    expect(home({ waiting: { ok: false } }).text).toContain(
      'the customers waiting for an answer cannot be shown',
    );
  });

  it('shows admins the kept messages with their count and why, escaped, and nothing when there are none', () => {
    const kept = {
      ok: true as const,
      value: { count: 12, newest: [keptReply(0, '<@U123> <https://evil|x>')] },
    };
    const { text } = home({ admin: admin({ kept }) });
    expect(text).toContain('Customers’ messages not shown in Slack: 12*');
    expect(text).toContain('&lt;!channel&gt; Sam');
    expect(text).toContain('&lt;@U123&gt; &lt;https://evil|x&gt;');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('in the last 30 days matches it');
    expect(text).toContain('Pick a replies channel with `/orderstatus config`');
    expect(text).toContain('11 older ones are not listed');
    const withChannel = home({
      settings: { ok: true, value: { ...SETTINGS, repliesChannel: 'C0REPLIES1' } },
      admin: admin({ kept }),
    }).text;
    expect(withChannel).toContain('New ones go to <#C0REPLIES1>');
    expect(home({ admin: admin() }).text).not.toContain('not shown in Slack');
    // Agents see no kept messages at all.
    expect(home({}).text).not.toContain('not shown in Slack');
  });

  it('stays within Slack’s limits with the fullest home there can be', () => {
    const entries = Array.from({ length: 10 }, (_, i) => entry(`R${i}`, 'd'.repeat(120)));
    const waiting = Array.from({ length: 10 }, (_, i) => ({
      ...waitingReply(i),
      referenceId: 'R'.repeat(35),
    }));
    const kept = Array.from({ length: 10 }, (_, i) => ({
      ...keptReply(i, '<'.repeat(4096)),
      customerName: '&'.repeat(200),
      note: 'n'.repeat(1000),
    }));
    const failures = Array.from({ length: 40 }, (_, i) => ({
      stage: 'not_delivered' as const,
      code: `1310${i}`,
      count: i + 1,
    }));
    const { view } = home({
      recent: { ok: true, value: { entries, more: true } },
      waiting: { ok: true, value: waiting },
      admin: admin({
        activity: {
          ok: true,
          value: { ...QUIET, failures, awaitingCallbacks: 3, oldestAwaitingAt: new Date() },
        },
        kept: { ok: true, value: { count: 500, newest: kept } },
      }),
    });
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    for (const block of view.blocks) {
      if (block.type === 'section')
        expect((block as SectionBlock).text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
  });
});

describe('the admin part of the App Home', () => {
  it('has the Settings button, the callback setup and the counts', () => {
    const text = JSON.stringify(buildAdminHomeBlocks(admin(), CALLBACKS));
    expect(text).toContain(HOME_SETTINGS_ACTION);
    expect(text).toContain(CALLBACKS.url);
    expect(text).toContain('cb-user');
    expect(text).toContain('Sent 4 · delivered 3 · read 1 · duplicates stopped 2');
    expect(text).toContain('No failures.');
    expect(text).not.toContain('NO_CALLBACKS');
    expect(text).not.toContain('placeholder');
  });

  it('warns when sends get no callbacks, and says the host is a placeholder without PUBLIC_URL', () => {
    const silent = admin({
      activity: {
        ok: true,
        value: { ...QUIET, awaitingCallbacks: 2, oldestAwaitingAt: new Date('2025-03-01T08:00:00Z') },
      },
    });
    const text = JSON.stringify(buildAdminHomeBlocks(silent, { ...CALLBACKS, publicUrlSet: false }));
    expect(text).toContain('NO_CALLBACKS');
    expect(text).toContain('2 updates sent since');
    expect(text).toContain('none has ever arrived');
    expect(text).toContain('placeholder');
  });

  it('lists failure codes by stage, exactly 8 per stage, then counts the rest', () => {
    const codes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ stage: 'refused' as const, code: `C${i}`, count: 1 }));
    const exactly = activityText({ ...QUIET, failures: codes(MAX_CODES_SHOWN) });
    expect(exactly).toContain('Failed 8:');
    expect(exactly).toContain('`C7` ×1');
    expect(exactly).not.toContain('more code');
    const over = activityText({
      ...QUIET,
      failures: [...codes(MAX_CODES_SHOWN + 1), { stage: 'unconfirmed', code: 'TIMEOUT', count: 2 }],
    });
    expect(over).not.toContain('`C8`');
    expect(over).toContain('and 1 more code');
    expect(over).toContain('Not confirmed by Kaleyra (may have reached the customer): `TIMEOUT` ×2');
  });
});

describe('fitBlocks', () => {
  const blocks = (n: number): KnownBlock[] => Array.from({ length: n }, () => ({ type: 'divider' }));

  it('keeps exactly 100 blocks as they are, and cuts 101 to 100 with a note', () => {
    expect(fitBlocks(blocks(HOME_MAX_BLOCKS))).toHaveLength(HOME_MAX_BLOCKS);
    const cut = fitBlocks(blocks(HOME_MAX_BLOCKS + 1));
    expect(cut).toHaveLength(HOME_MAX_BLOCKS);
    expect(JSON.stringify(cut.at(-1))).toContain('2 more items are not shown here.');
  });
});
