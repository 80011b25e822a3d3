import { describe, expect, it } from 'vitest';
import {
  blockActionsBody,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from '../support/slack-request.ts';

describe('signSlackRequest', () => {
  it('matches Slack’s published example', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, '1531420618');
    expect(headers['x-slack-signature']).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
    expect(headers['x-slack-request-timestamp']).toBe('1531420618');
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('defaults the timestamp to now', () => {
    const now = Math.floor(Date.now() / 1000);
    const ts = Number(signSlackRequest('secret', 'a=b')['x-slack-request-timestamp']);
    expect(Math.abs(ts - now)).toBeLessThanOrEqual(2);
  });
});

describe('request bodies', () => {
  it('builds a slash command like Slack', () => {
    const body = new URLSearchParams(
      slashCommandBody({
        text: '+919876543210 395001 shipped',
        teamId: 'T1',
        userId: 'U1',
        channelId: 'C1',
        responseUrl: 'http://127.0.0.1/response/1',
        enterpriseId: 'E1',
      }),
    );
    expect([...body.keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'enterprise_id',
      'enterprise_name',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
    expect(body.get('command')).toBe('/orderstatus');
    expect(body.get('text')).toBe('+919876543210 395001 shipped');
  });

  it('builds a view_submission payload with team, user and view team ids', () => {
    const payload = JSON.parse(
      new URLSearchParams(
        viewSubmissionBody({
          teamId: 'T9',
          userId: 'U9',
          view: {
            callback_id: 'orderstatus_send',
            private_metadata: '{"channelId":"C1"}',
            state: { values: {} },
          },
        }),
      ).get('payload') ?? '',
    );
    expect(payload).toMatchObject({
      type: 'view_submission',
      team: { id: 'T9' },
      user: { id: 'U9', team_id: 'T9' },
      view: { team_id: 'T9', callback_id: 'orderstatus_send', private_metadata: '{"channelId":"C1"}' },
    });
  });

  it('builds a block_actions payload', () => {
    const payload = JSON.parse(
      new URLSearchParams(
        blockActionsBody({
          teamId: 'T1',
          userId: 'U1',
          channelId: 'C1',
          actionId: 'orderstatus_retry',
          value: 'v',
        }),
      ).get('payload') ?? '',
    );
    expect(payload).toMatchObject({
      type: 'block_actions',
      team: { id: 'T1' },
      channel: { id: 'C1' },
      actions: [{ action_id: 'orderstatus_retry', value: 'v' }],
    });
  });
});
