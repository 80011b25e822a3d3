import { describe, expect, it } from 'vitest';
import { CALLBACK_PASSWORD_ACTION, CONFIG_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { command, storageModes, textOf, useTestApp } from '../support/app-driver.ts';
import { postCallback } from '../support/kaleyra-callbacks.ts';
import { interactionBody, postToApp } from '../support/slack-request.ts';
import { SIGNING_SECRET } from '../support/start-app.ts';

const PUBLIC_URL = 'https://orders.example.com';

/** A click on the settings modal's "New password" button, as Slack sends it from inside a modal. */
function passwordClick(teamId: string, userId: string): string {
  return interactionBody({
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0ORDERSTATUS',
    token: 'fake-verification-token',
    container: { type: 'view', view_id: 'VCONFIG1' },
    trigger_id: `${Date.now()}.1.abcdef`,
    team: { id: teamId, domain: 'team' },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: 'VCONFIG1',
      type: 'modal',
      callback_id: CONFIG_MODAL_CALLBACK,
      team_id: teamId,
      state: { values: {} },
    },
    actions: [
      {
        type: 'button',
        action_id: CALLBACK_PASSWORD_ACTION,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'New password' },
        action_ts: `${Math.floor(Date.now() / 1000)}.000000`,
      },
    ],
  });
}

describe.each(await storageModes())('the callback settings in Slack on the %s', (_name, storage) => {
  const t = useTestApp(storage, { env: { PUBLIC_URL } });

  it('shows the callback URL and username in the settings modal, never a password', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    const before = command(t, 'config', { userId: 'UADMIN' });
    await before.post();
    const first = await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    expect(textOf(first.body.view)).toContain(`${PUBLIC_URL}/kaleyra/callbacks`);
    expect(textOf(first.body.view)).toContain('none yet');
    expect(textOf(first.body.view)).toContain(CALLBACK_PASSWORD_ACTION);

    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    t.slack.clear();
    await command(t, 'config', { userId: 'UADMIN' }).post();
    const second = await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    expect(textOf(second.body.view)).toContain(login.username);
    expect(textOf(second.body.view)).not.toContain(login.password);
  });

  it('the button makes a new password and shows it once, only to the admin who clicked; it works at once', async () => {
    t.slack.setUser('UADMIN', { is_admin: true, team_id: t.team });
    const ack = await postToApp(t.url, passwordClick(t.team, 'UADMIN'), { signingSecret: SIGNING_SECRET });
    expect(ack.status).toBe(200);
    const pushed = await t.slack.waitFor((s) => s.callsTo('views.push')[0]);
    const view = textOf(pushed.body.view);
    const username = /\*Username:\* `([^`]+)`/.exec(view)?.[1];
    const password = /\*Password:\* `([^`]+)`/.exec(view)?.[1];
    expect(username).toMatch(/^cb-/);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(view).toContain(`${PUBLIC_URL}/kaleyra/callbacks`);
    // Admin checked server-side with users.info on the click itself.
    expect(t.slack.callsTo('users.info').map((c) => c.body.user)).toContain('UADMIN');
    // Only in the pushed modal: not in any message, nor in the logs.
    expect(t.slack.callsTo('chat.postMessage')).toHaveLength(0);
    expect(t.logs.filter((line) => line.includes(password ?? '-'))).toEqual([]);
    const answer = await postCallback(t.url, '{"status":"sent","message_id":"ANOBODY00000000001"}', {
      username: username ?? '',
      password: password ?? '',
    });
    expect(answer.status).toBe(200);
  });

  it('refuses the button to someone who is not (or no longer) an admin, and keeps the password', async () => {
    const login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    t.slack.setUser('UAGENT', { is_admin: false, team_id: t.team });
    await postToApp(t.url, passwordClick(t.team, 'UAGENT'), { signingSecret: SIGNING_SECRET });
    const pushed = await t.slack.waitFor((s) => s.callsTo('views.push')[0]);
    expect(textOf(pushed.body.view)).toContain('Only workspace admins');
    expect(textOf(pushed.body.view)).not.toMatch(/Password:/);
    const body = '{"status":"sent","message_id":"ANOBODY00000000002"}';
    // The password in use still works: nothing was rotated.
    expect((await postCallback(t.url, body, login)).status).toBe(200);
  });
});
