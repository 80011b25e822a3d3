import { describe, expect, it } from 'vitest';
import { cliSurface } from '../../src/cli/cli-surface.ts';
import { describeAttemptState } from '../../src/describe/describe-attempt.ts';
import { describeDeliveryFailure } from '../../src/describe/describe-delivery-failure.ts';
import { describeError } from '../../src/describe/describe-error.ts';
import { KaleyraError } from '../../src/kaleyra/kaleyra-error.ts';
import { SLACK_SURFACE } from '../../src/slack/messages/slack-surface.ts';

const CLI = cliSurface({ team: 'T1', sends: true });

describe('a partially-shipped update refused over a parameter', () => {
  it('after the send (WhatsApp’s 100, 131008, 131009, 132012): names both spellings, the setting and how to change it', () => {
    for (const code of ['100', '131008', '131009', '132012']) {
      const failure = { state: 'failed' as const, error: { code }, status: 'partially_shipped' };
      const slack = describeDeliveryFailure(failure, SLACK_SURFACE);
      expect(slack.nextStep).toBe(
        'Kaleyra’s page spells partially shipped `partially_shipped`, Meta’s status table `partially-shipped`; the workspace’s status spelling setting (kaleyra or meta) picks the one sent. Ask a workspace admin to switch the status spelling to the other one with `/orderstatus config`. Then send the update again.',
      );
      expect(describeDeliveryFailure(failure, CLI).nextStep).toContain(
        'Switch the status spelling to the other one with: orderstatus credentials set --team T … --status-spelling kaleyra|meta. Then send',
      );
    }
  });

  it('keeps the usual words for another status, another code, or a reply', () => {
    const usual = describeDeliveryFailure({ state: 'failed', error: { code: '131009' } }, SLACK_SURFACE);
    expect(usual.nextStep).toBe('Check the order reference and status, then send again.');
    for (const failure of [
      { state: 'failed' as const, error: { code: '131009' }, status: 'shipped' },
      { state: 'failed' as const, error: { code: '131026' }, status: 'partially_shipped' },
    ]) {
      expect(describeDeliveryFailure(failure, SLACK_SURFACE).nextStep).not.toContain('status spelling');
    }
  });

  it('in order history too', () => {
    const facts = {
      outcome: 'sent' as const,
      error_code: null,
      delivery_state: 'failed' as const,
      whatsapp_sent_at: null,
      delivered_at: null,
      read_at: null,
      delivery_failed_at: null,
      delivery_error_code: '131009',
      delivery_error_text: null,
      status: 'partially_shipped',
    };
    expect(describeAttemptState(facts, CLI)).toContain('--status-spelling kaleyra|meta');
  });

  it('by Kaleyra (WA400, or words about the status or a parameter): says which spelling went out and which to try', () => {
    const refused = (fields: Partial<ConstructorParameters<typeof KaleyraError>[0]>) =>
      describeError(
        new KaleyraError({ code: 'WA400', outcome: 'rejected', httpStatus: 400, ...fields }),
        SLACK_SURFACE,
      );
    expect(refused({ sentStatus: 'partially-shipped' }).nextStep).toMatch(
      /^It went out as `partially-shipped` \(the meta status spelling\); Kaleyra’s page spells it `partially_shipped`\. Ask a workspace admin to switch the status spelling to kaleyra with `\/orderstatus config`\. Then send the update again\. Check that the template name/,
    );
    expect(
      refused({ code: 'WA4XX', sentStatus: 'partially_shipped', kaleyraMessage: 'Invalid order status' })
        .nextStep,
    ).toContain('switch the status spelling to meta');
    expect(refused({ sentStatus: 'shipped' }).nextStep).not.toContain('status spelling');
    expect(refused({}).nextStep).not.toContain('status spelling');
    expect(refused({ code: 'RBC001', sentStatus: 'partially_shipped' }).nextStep).not.toContain(
      'status spelling',
    );
  });
});
