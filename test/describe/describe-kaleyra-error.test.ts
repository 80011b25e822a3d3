import { describe, expect, it } from 'vitest';
import { describeKaleyraError } from '../../src/describe/describe-kaleyra-error.ts';
import { KaleyraError } from '../../src/kaleyra/kaleyra-error.ts';
import { SLACK_SURFACE } from '../../src/slack/messages/slack-surface.ts';

type Fields = ConstructorParameters<typeof KaleyraError>[0];

const CASES: Array<[label: string, fields: Fields, mentions: RegExp, retryable: boolean]> = [
  [
    'RBC001',
    { code: 'RBC001', httpStatus: 401, errorKey: 'error', outcome: 'rejected' },
    /\/orderstatus config/,
    false,
  ],
  [
    'WA401',
    { code: 'WA401', httpStatus: 401, errorKey: 'phone_number', outcome: 'rejected' },
    /business number.*\/orderstatus config/s,
    false,
  ],
  [
    'WA400',
    { code: 'WA400', httpStatus: 400, errorKey: 'payload', outcome: 'rejected' },
    /template name/,
    false,
  ],
  ['WA500', { code: 'WA500', httpStatus: 500, errorKey: 'error', outcome: 'rejected' }, /few minutes/, true],
  ['E110', { code: 'E110', httpStatus: 400, errorKey: 'balance', outcome: 'rejected' }, /top it up/, false],
  [
    'WA-401 account',
    {
      code: 'WA-401',
      httpStatus: 401,
      errorKey: 'account',
      kaleyraMessage: 'API is not available for given customer.Please contact support for more info',
      outcome: 'rejected',
    },
    /plan.*Kaleyra support/s,
    false,
  ],
  [
    'WA-401 version',
    {
      code: 'WA-401',
      httpStatus: 401,
      errorKey: 'phone_number',
      kaleyraMessage: "The phone number you're using is associated with different Version of our WA API.",
      outcome: 'rejected',
    },
    /different version.*v2/is,
    false,
  ],
  [
    'WAV2101',
    { code: 'WAV2101', httpStatus: 429, outcome: 'rejected' },
    /daily messaging limit.*tomorrow/s,
    false,
  ],
  [
    'TIMEOUT',
    { code: 'TIMEOUT', outcome: 'unknown' },
    /may still have received.*before sending again/s,
    true,
  ],
  [
    'NETWORK rejected',
    { code: 'NETWORK', outcome: 'rejected' },
    /never received.*nothing was sent.*Try again/s,
    true,
  ],
  [
    'NETWORK unknown',
    { code: 'NETWORK', outcome: 'unknown' },
    /broke off mid-send.*may have received.*before sending again/s,
    true,
  ],
  [
    'BAD_RESPONSE 502',
    { code: 'BAD_RESPONSE', httpStatus: 502, outcome: 'unknown' },
    /HTTP 502.*may or may not/s,
    true,
  ],
  [
    'BAD_RESPONSE 404',
    { code: 'BAD_RESPONSE', httpStatus: 404, outcome: 'rejected' },
    /HTTP 404.*not sent/s,
    false,
  ],
  [
    'unknown code',
    { code: 'WA999', httpStatus: 400, kaleyraMessage: 'Template  paused\nby Meta', outcome: 'rejected' },
    /“Template paused by Meta”.*Kaleyra support/s,
    false,
  ],
];

describe('describeKaleyraError', () => {
  it.each(CASES)('%s: names the code, the cause and a next step', (_label, fields, mentions, retryable) => {
    const description = describeKaleyraError(new KaleyraError(fields), SLACK_SURFACE);
    expect(description.code).toBe(fields.code);
    expect(description.summary.length).toBeGreaterThan(10);
    expect(description.nextStep.length).toBeGreaterThan(10);
    expect(`${description.summary} ${description.nextStep}`).toMatch(mentions);
    expect(description.retryable).toBe(retryable);
  });

  it('gives every case its own text', () => {
    const texts = CASES.map(([, fields]) => {
      const { summary, nextStep } = describeKaleyraError(new KaleyraError(fields), SLACK_SURFACE);
      return `${summary} ${nextStep}`;
    });
    expect(new Set(texts).size).toBe(CASES.length);
  });

  it('tells the two WA-401s apart by error key, and by message when the key is missing', () => {
    const account = describeKaleyraError(
      new KaleyraError({ code: 'WA-401', errorKey: 'account', outcome: 'rejected' }),
      SLACK_SURFACE,
    );
    const version = describeKaleyraError(
      new KaleyraError({ code: 'WA-401', errorKey: 'phone_number', outcome: 'rejected' }),
      SLACK_SURFACE,
    );
    const byMessage = describeKaleyraError(
      new KaleyraError({
        code: 'WA-401',
        kaleyraMessage: 'associated with different Version of our WA API',
        outcome: 'rejected',
      }),
      SLACK_SURFACE,
    );
    expect(account.summary).not.toBe(version.summary);
    expect(byMessage).toEqual(version);
  });

  it('quotes Kaleyra for an unfamiliar code, shortened to one line', () => {
    const long = describeKaleyraError(
      new KaleyraError({
        code: 'X1',
        httpStatus: 400,
        kaleyraMessage: 'x'.repeat(1000),
        outcome: 'rejected',
      }),
      SLACK_SURFACE,
    );
    expect(long.summary.length).toBeLessThan(260);
    const silent = describeKaleyraError(
      new KaleyraError({ code: 'X2', httpStatus: 503, outcome: 'rejected' }),
      SLACK_SURFACE,
    );
    expect(silent.summary).toContain('without saying why');
    expect(silent.retryable).toBe(true);
  });

  it('keeps every sentence short enough for Slack and a terminal line', () => {
    for (const [, fields] of CASES) {
      const { summary, nextStep } = describeKaleyraError(new KaleyraError(fields), SLACK_SURFACE);
      expect(summary.length).toBeLessThanOrEqual(130);
      expect(nextStep.length).toBeLessThanOrEqual(130);
    }
  });
});
