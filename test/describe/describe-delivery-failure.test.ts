import { describe, expect, it } from 'vitest';
import { cliSurface } from '../../src/cli/cli-surface.ts';
import { describeAttemptState } from '../../src/describe/describe-attempt.ts';
import { describeDeliveryFailure } from '../../src/describe/describe-delivery-failure.ts';
import { describeError } from '../../src/describe/describe-error.ts';
import { WINDOW_CLOSED_NEXT_STEP, WINDOW_CLOSED_SUMMARY } from '../../src/describe/describe-refusal.ts';
import { SendRefusedError } from '../../src/errors/send-refused-error.ts';
import { SLACK_SURFACE } from '../../src/slack/messages/slack-surface.ts';

// Every code the issue and the shared callbacks document name.
const MAPPED = [
  '130429',
  '131000',
  '131005',
  '131008',
  '131009',
  '131026',
  '131047',
  '131049',
  '131050',
  '131056',
  '132000',
  '132001',
  '132005',
  '132007',
  '132012',
  '132015',
  '132016',
  '133010',
];

describe('describeDeliveryFailure', () => {
  it.each(MAPPED)('gives %s its own plain-language meaning and next step', (code) => {
    const fallback = describeDeliveryFailure({ state: 'failed', error: { code: '999999' } }, SLACK_SURFACE);
    const described = describeDeliveryFailure(
      { state: 'failed', error: { code, title: 'Kaleyra words' } },
      SLACK_SURFACE,
    );
    expect(described.code).toBe(code);
    expect(described.summary).not.toBe(fallback.summary);
    expect(described.summary).not.toContain('Kaleyra words');
    expect(described.nextStep.length).toBeGreaterThan(10);
  });

  it('says each mapped code differently', () => {
    const summaries = MAPPED.map(
      (code) => describeDeliveryFailure({ state: 'failed', error: { code } }, SLACK_SURFACE).summary,
    );
    // 131008 and 131009 are two different parameter problems; 132015 and 132016 paused and disabled.
    expect(new Set(summaries).size).toBe(MAPPED.length);
  });

  it('names Kaleyra’s not-sent', () => {
    const described = describeDeliveryFailure({ state: 'not_sent' }, SLACK_SURFACE);
    expect(described.code).toBe('NOT_SENT');
    expect(described.summary).toContain('Kaleyra did not pass the message on to WhatsApp');
  });

  it('names any other code with Kaleyra’s own text, made inert for Slack', () => {
    const described = describeDeliveryFailure(
      { state: 'failed', error: { code: '135000', title: 'Generic <!channel> error' } },
      SLACK_SURFACE,
    );
    expect(described.code).toBe('135000');
    expect(described.summary).toContain('“Generic &lt;!channel&gt; error”');
    const constructorCode = describeDeliveryFailure(
      { state: 'failed', error: { code: 'constructor' } },
      SLACK_SURFACE,
    );
    expect(constructorCode.summary).toContain('without saying why');
    expect(describeDeliveryFailure({ state: 'failed' }, SLACK_SURFACE).code).toBe('FAILED');
  });

  it('reads the same in a terminal, with the CLI’s settings step', () => {
    const slack = describeDeliveryFailure({ state: 'failed', error: { code: '132001' } }, SLACK_SURFACE);
    const cli = describeDeliveryFailure(
      { state: 'failed', error: { code: '132001' } },
      cliSurface({ team: 'T1' }),
    );
    expect(cli.summary).toBe(slack.summary);
    expect(slack.nextStep).toContain('/orderstatus config');
    expect(cli.nextStep).toContain('orderstatus credentials set --team T1');
  });
});

describe('describeAttemptState', () => {
  const facts = {
    outcome: 'sent' as const,
    error_code: null,
    delivery_state: null,
    whatsapp_sent_at: null,
    delivered_at: null,
    read_at: null,
    delivery_failed_at: null,
    delivery_error_code: null,
    delivery_error_text: null,
  };
  const plain = cliSurface({ team: 'T1' });

  it('says what became of each attempt', () => {
    expect(describeAttemptState(facts, plain)).toBe(
      'Accepted by Kaleyra; no delivery report from WhatsApp yet.',
    );
    expect(describeAttemptState({ ...facts, outcome: 'failed', error_code: 'WA401' }, plain)).toBe(
      'Not sent: Kaleyra refused it (WA401).',
    );
    expect(describeAttemptState({ ...facts, outcome: 'unknown', error_code: 'TIMEOUT' }, plain)).toContain(
      'may have reached the customer',
    );
    const at = new Date('2025-11-29T10:00:00Z');
    expect(describeAttemptState({ ...facts, delivery_state: 'delivered', delivered_at: at }, plain)).toBe(
      'Delivered 2025-11-29T10:00:00.000Z.',
    );
    expect(
      describeAttemptState(
        { ...facts, delivery_state: 'failed', delivery_failed_at: at, delivery_error_code: '131050' },
        plain,
      ),
    ).toMatch(/^Not delivered 2025-11-29T10:00:00.000Z \(131050\): The customer has stopped marketing/);
  });
});

describe('the 24-hour window', () => {
  it('reads the same for Meta’s 131047 as for a reply refused before Kaleyra', () => {
    for (const surface of [SLACK_SURFACE, cliSurface({ team: 'T1', sends: true })]) {
      const meta = describeDeliveryFailure({ state: 'failed', error: { code: '131047' } }, surface);
      const refused = describeError(
        new SendRefusedError('window_closed', { lastMessageAt: '2025-12-07T06:46:40.000Z' }),
        surface,
      );
      expect(meta.summary).toContain(WINDOW_CLOSED_SUMMARY);
      expect(refused.summary).toContain(WINDOW_CLOSED_SUMMARY);
      expect(meta.nextStep).toBe(WINDOW_CLOSED_NEXT_STEP);
      expect(refused.nextStep).toBe(WINDOW_CLOSED_NEXT_STEP);
      expect(refused.code).toBe('WINDOW_CLOSED');
      expect(meta.summary).not.toContain('orderstatus always sends a template');
    }
  });
});
