import { describe, expect, it } from 'vitest';
import { QUALITY_RESUME_ACTION } from '../../src/slack/ids.ts';
import { buildAccountAnnouncement } from '../../src/slack/messages/account-announcement.ts';
import { consentNoticeText } from '../../src/slack/messages/consent-notice.ts';
import { buttonValue } from '../support/app-driver.ts';

const since = new Date('2026-12-01T10:00:00Z');

describe('consent and quality messages', () => {
  it('the thread notice says who, what and when in plain words, outside text made inert', () => {
    const out = consentNoticeText({
      action: 'opt_out',
      customerMasked: '+91 •••• 3210',
      keyword: 'STOP',
      at: since.toISOString(),
    });
    expect(out).toContain('The customer (+91 •••• 3210) opted out of WhatsApp messages');
    expect(out).toContain('<!date^1796119200^');
    expect(out).toContain('`STOP`');
    const back = consentNoticeText({
      action: 'opt_in',
      customerMasked: '+91 •••• 3210',
      keyword: '<@U1> `x`',
      at: since.toISOString(),
    });
    expect(back).toContain('opted back in');
    expect(back).not.toContain('<@U1>');
  });

  it('an announcement names the template, the event and Meta’s reason (escaped), and what an admin can do', () => {
    const paused = buildAccountAnnouncement({
      kind: 'template',
      subject: 'order_status',
      language: 'en_US',
      event: 'PAUSED',
      stopped: true,
      reason: 'Low quality <!channel>',
      currentLimit: undefined,
      since,
    });
    expect(paused.text).toContain('`order_status` in `en_US`');
    expect(paused.text).toContain('`PAUSED`');
    expect(paused.text).toContain('Low quality &lt;!channel&gt;');
    expect(paused.text).toContain('pick another approved template');
    expect(paused.text).not.toContain('nothing was sent');

    const flagged = buildAccountAnnouncement({
      kind: 'number',
      subject: '+919876500000',
      language: '',
      event: 'FLAGGED',
      stopped: true,
      reason: undefined,
      currentLimit: 'TIER_1K',
      since,
    });
    expect(flagged.text).toContain('+91 •••• 0000');
    expect(flagged.text).toContain('Single updates still go');
    expect(buttonValue(flagged, QUALITY_RESUME_ACTION)).toBe('resume');
    const lifted = buildAccountAnnouncement({
      kind: 'number',
      subject: '+919876500000',
      language: '',
      event: 'UNFLAGGED',
      stopped: false,
      reason: undefined,
      currentLimit: 'TIER_1K',
      since,
    });
    expect(lifted.text).toContain('bulk sends go again');
    expect(buttonValue(lifted, QUALITY_RESUME_ACTION)).toBeUndefined();
  });
});
