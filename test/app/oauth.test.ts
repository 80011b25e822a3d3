import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToApp, slashCommandBody } from '../support/slack-request.ts';
import { SIGNING_SECRET, startTestApp, type TestApp, uniqueTeamId } from '../support/start-app.ts';

const INSTALLED_TOKEN = 'xoxb-installed-0000-secret';

describe('multi-workspace OAuth mode', () => {
  let t: TestApp;
  const team = uniqueTeamId();

  beforeAll(async () => {
    t = await startTestApp(
      { kind: 'embedded' },
      {
        SLACK_BOT_TOKEN: '',
        SLACK_CLIENT_ID: '111.222',
        SLACK_CLIENT_SECRET: 'client-secret-for-tests',
        SLACK_STATE_SECRET: 'state-secret-for-tests',
      },
    );
    t.slack.setResponse('oauth.v2.access', {
      ok: true,
      app_id: 'A1',
      authed_user: { id: 'UINSTALLER' },
      scope: 'commands,chat:write,chat:write.public,users:read,files:read,files:write',
      token_type: 'bot',
      access_token: INSTALLED_TOKEN,
      bot_user_id: 'UBOT',
      team: { id: team, name: 'Installed team' },
      enterprise: null,
      is_enterprise_install: false,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  async function install() {
    const start = await fetch(`${t.url}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(location.searchParams.get('scope')).toBe(
      'commands,chat:write,chat:write.public,users:read,files:read,files:write',
    );
    const state = location.searchParams.get('state') ?? '';
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const callback = await fetch(
      `${t.url}/slack/oauth_redirect?code=the-code&state=${encodeURIComponent(state)}`,
      {
        headers: { cookie },
        redirect: 'manual',
      },
    );
    return callback;
  }

  it('installs a workspace, stores its token encrypted, and answers its commands with that token', async () => {
    const callback = await install();
    expect(callback.status).toBe(200);
    expect(t.slack.callsTo('oauth.v2.access')).toHaveLength(1);

    const rows = await rawKeyvRows(t);
    expect(rows).toContain(`installation:${team}`);
    expect(rows).not.toContain(INSTALLED_TOKEN);

    const response = await postToApp(
      t.url,
      slashCommandBody({
        text: '',
        teamId: team,
        userId: 'UAGENT',
        channelId: 'C1',
        responseUrl: t.slack.responseUrl('oauth-cmd'),
      }),
      { signingSecret: SIGNING_SECRET },
    );
    expect(response.status).toBe(200);
    const open = await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    expect(open.token).toBe(INSTALLED_TOKEN);
  });

  it('refuses an OAuth callback whose state was not issued by this app', async () => {
    const before = t.slack.callsTo('oauth.v2.access').length;
    const forged = await fetch(`${t.url}/slack/oauth_redirect?code=x&state=forged`, { redirect: 'manual' });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(t.slack.callsTo('oauth.v2.access')).toHaveLength(before);
  });

  it('forgets the workspace’s tokens and Kaleyra credentials when the app is uninstalled', async () => {
    await t.server.services.credentials.set(
      team,
      {
        sid: 'HXIN1234567890IN',
        apiKey: 'Auninstall000000000000000000000001',
        pod: 'in',
        businessNumber: '+919876500000',
        templateName: 'order_status',
        languageCode: 'en',
      },
      'UADMIN',
    );
    const body = JSON.stringify({
      token: 'legacy',
      team_id: team,
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_uninstalled' },
    });
    const response = await postToApp(t.url, body, {
      signingSecret: SIGNING_SECRET,
      contentType: 'application/json',
    });
    expect(response.status).toBe(200);
    await expect.poll(async () => t.server.services.credentials.get(team)).toBeUndefined();
    expect(await rawKeyvRows(t)).not.toContain(`installation:${team}`);
  });
});

async function rawKeyvRows(t: TestApp): Promise<string> {
  return JSON.stringify(await t.server.services.db.query('SELECT key, value FROM keyv'));
}
