import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/describe/describe-error.ts';
import type { WorkspaceCredentials } from '../../src/domain/workspace-settings.ts';
import { NotConfiguredError } from '../../src/errors/not-configured-error.ts';
import { StorageError } from '../../src/errors/storage-error.ts';
import {
  buildErrorNotice,
  buildSendingNotice,
  buildSettingsSavedMessage,
} from '../../src/slack/messages/notices.ts';
import { SLACK_SURFACE } from '../../src/slack/messages/slack-surface.ts';

const buildNotConfiguredMessage = () =>
  buildErrorNotice(describeError(new NotConfiguredError('T1'), SLACK_SURFACE));
const buildStorageDownMessage = () =>
  buildErrorNotice(describeError(new StorageError('connection refused'), SLACK_SURFACE));

describe('notices', () => {
  it('tells agents that an admin must configure the workspace', () => {
    const message = buildNotConfiguredMessage();
    expect(message.text).toContain('/orderstatus config');
    expect(message.text).toMatch(/admin/);
  });

  it('confirms saved settings with the key masked', () => {
    const credentials: WorkspaceCredentials = {
      sid: 'HXIN1234567890IN',
      apiKey: 'Ak9f2c7e1b3d4a5f6e7d8c9b0a1f2e3d4',
      pod: 'eu',
      businessNumber: '+918000000000',
      templateName: 'order_status',
      languageCode: 'en',
      updatedBy: 'U0ADMIN',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
    const message = buildSettingsSavedMessage(credentials);
    const json = JSON.stringify(message);
    expect(json).not.toContain(credentials.apiKey);
    expect(json).toContain('Ak••••e3d4');
    expect(json).toContain('Europe (EU)');
    expect(json).toContain('+918000000000');
    expect(json).toContain('order_status');
    expect(json).toContain('<@U0ADMIN>');
  });

  it('announces a send with the number masked', () => {
    const message = buildSendingNotice({ to: '+919876543210', referenceId: '395001', status: 'shipped' });
    expect(message.text).toBe('Sending *Shipped* for order `395001` to +91 •••• 3210…');
    expect(JSON.stringify(message)).not.toContain('9876543210');
  });

  it('escapes a reference it cannot vouch for', () => {
    const message = buildSendingNotice({ referenceId: '<!channel>', status: 'cancelled' });
    expect(message.text).toContain('Canceled');
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });

  it('says the database is down without blaming the configuration', () => {
    const message = buildStorageDownMessage();
    expect(message.text).toMatch(/database/);
    expect(message.text).not.toMatch(/config/);
  });
});
