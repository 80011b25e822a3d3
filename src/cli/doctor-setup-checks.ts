import { errorCodeOf } from '../errors/error-code.ts';
import type { DoctorCheck, Finding } from './doctor-check.ts';

/** Slack's answer to auth.test comes quickly or not at all. */
const AUTH_TEST_TIMEOUT_MS = 5_000;

// What Slack answers for a token it will not take (docs.slack.dev, auth.test "Errors").
const REFUSED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/**
 * The bot token, as Slack sees it: auth.test with SLACK_BOT_TOKEN (single-workspace mode). A token
 * Slack refuses would let the server start and then fail every post.
 */
export const slackCheck: DoctorCheck = {
  subject: 'slack',
  async run(context) {
    const slack = context.serverConfig?.slack;
    // No server configuration: the configuration check has said why.
    if (!slack) return [];
    if (slack.auth.mode === 'oauth') {
      return [
        {
          status: 'ok',
          subject: 'slack',
          text: 'OAuth mode: each workspace’s bot token comes with its install (/slack/install)',
        },
      ];
    }
    return [await authTest(slack.apiUrl, slack.auth.botToken)];
  },
};

async function authTest(apiUrl: string, token: string): Promise<Finding> {
  const address = new URL('auth.test', apiUrl).href;
  let body: { ok?: unknown; error?: unknown; team?: unknown; team_id?: unknown; user?: unknown };
  try {
    const response = await fetch(address, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(AUTH_TEST_TIMEOUT_MS),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    const code = errorCodeOf(error) ?? (error instanceof Error ? error.name : 'no answer');
    return {
      status: 'fail',
      subject: 'slack',
      text: `could not ask Slack about SLACK_BOT_TOKEN: no answer from ${address} (${code})`,
      fix: 'Check that this machine reaches Slack (a proxy or firewall?), and SLACK_API_URL if it is set.',
    };
  }
  if (body.ok === true) {
    const team = typeof body.team === 'string' ? `${body.team} ` : '';
    const user = typeof body.user === 'string' ? ` as @${body.user}` : '';
    return {
      status: 'ok',
      subject: 'slack',
      text: `Slack accepts SLACK_BOT_TOKEN: workspace ${team}(${String(body.team_id)})${user}`,
    };
  }
  const error = typeof body.error === 'string' ? body.error : 'an answer without ok';
  return {
    status: 'fail',
    subject: 'slack',
    text: `Slack refused SLACK_BOT_TOKEN (${error})`,
    fix: REFUSED_TOKEN.has(error)
      ? 'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) of the installed app: api.slack.com/apps → your app → OAuth & Permissions (reinstall the app if it was removed).'
      : 'Check the Slack app at api.slack.com/apps, then run orderstatus doctor again.',
  };
}

/** KALEYRA_BASE_URL sends every workspace's messages to one host instead of its pod: say so. */
export const kaleyraBaseUrlCheck: DoctorCheck = {
  subject: 'kaleyra',
  async run(context) {
    const override = context.config?.kaleyraBaseUrl;
    if (!override) return [];
    // Never the user:password a proxy URL may carry.
    const url = new URL(override);
    const shown = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    return [
      {
        status: 'warn',
        subject: 'kaleyra',
        text: `KALEYRA_BASE_URL overrides every workspace’s pod: all sends go to ${shown}`,
        fix: 'Unset KALEYRA_BASE_URL to send through each workspace’s pod (api.in, api.ap, api.eu or api.na.kaleyra.io); keep it only for a proxy, a sandbox or the local stand-in.',
      },
    ];
  },
};
