import { beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, CONFIG_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { SETTINGS, storageModes, textOf, useTestApp } from '../support/app-driver.ts';
import { postToApp, slashCommandBody, viewState, viewSubmissionBody } from '../support/slack-request.ts';
import { SIGNING_SECRET, uniqueTeamId } from '../support/start-app.ts';

const NEW_VALUES = { ...SETTINGS, sid: 'HXINORGCHANGED0IN', apiKey: 'Aorgwidekey000000000000000000009' };

describe.each(await storageModes())('Enterprise Grid org-wide settings on the %s', (_name, storage) => {
  const t = useTestApp(storage, { configure: false });
  let enterprise: string;
  let team: string;

  beforeEach(async () => {
    enterprise = `E${uniqueTeamId().slice(1)}`;
    team = uniqueTeamId();
    await t.server.services.credentials.set(enterprise, SETTINGS, 'UORGADMIN');
    // A workspace admin of one team in the org, who is no org admin.
    t.slack.setUser('UWSADMIN', { is_admin: true, team_id: team, enterprise: { id: enterprise } });
    t.slack.setUser('UORGADMIN', { team_id: team, enterprise: { id: enterprise, is_admin: true } });
    t.slack.setUser('UORGOWNER', { team_id: team, enterprise: { id: enterprise, is_owner: true } });
  });

  function openSettings(userId: string, orgWide = true) {
    const responseUrl = t.slack.responseUrl(`grid-config-${userId}-${Math.random().toString(36).slice(2)}`);
    const body = slashCommandBody({
      text: 'config',
      teamId: team,
      enterpriseId: enterprise,
      isEnterpriseInstall: orgWide,
      userId,
      channelId: 'CGRID',
      responseUrl,
    });
    return postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
  }

  function submitSettings(userId: string, orgWide = true) {
    const body = viewSubmissionBody({
      teamId: team,
      userId,
      enterpriseId: enterprise,
      isEnterpriseInstall: orgWide,
      view: { callback_id: CONFIG_MODAL_CALLBACK, state: { values: viewState(CONFIG_FIELDS, NEW_VALUES) } },
    });
    return postToApp(t.url, body, { signingSecret: SIGNING_SECRET });
  }

  it('refuses the org-wide settings form to a workspace-only admin, saying they belong to the org', async () => {
    const answer = await openSettings('UWSADMIN');
    expect(answer.status).toBe(200);
    const refusal = await t.slack.waitFor((s) => s.responseUrlPosts[0]);
    expect(textOf(refusal.body)).toContain('Enterprise Grid org');
    expect(textOf(refusal.body)).toContain('org admins and owners');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.slack.callsTo('views.open')).toHaveLength(0);
  });

  it('refuses a submission of the org-wide settings from a workspace-only admin, and keeps them', async () => {
    // A form an org admin opened may be submitted by someone else: the check is repeated on submit.
    const answer = await submitSettings('UWSADMIN');
    expect(answer.status).toBe(200);
    expect((answer.json as { response_action?: string }).response_action).toBe('update');
    expect(textOf(answer.json)).toContain('org admins and owners');
    expect((await t.server.services.credentials.get(enterprise))?.sid).toBe(SETTINGS.sid);
  });

  it('lets org admins and owners open and save the org-wide settings', async () => {
    await openSettings('UORGADMIN');
    const opened = await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    expect(textOf(opened.body.view)).toContain(CONFIG_MODAL_CALLBACK);
    const saved = await submitSettings('UORGOWNER');
    expect(textOf(saved.json)).toContain('Kaleyra settings saved');
    expect((await t.server.services.credentials.get(enterprise))?.sid).toBe(NEW_VALUES.sid);
    expect(await t.server.services.credentials.get(team)).toBeUndefined();
  });

  it("a workspace-level install inside a grid stays the workspace admin's to configure", async () => {
    await openSettings('UWSADMIN', false);
    await t.slack.waitFor((s) => s.callsTo('views.open')[0]);
    const saved = await submitSettings('UWSADMIN', false);
    expect(textOf(saved.json)).toContain('Kaleyra settings saved');
    expect((await t.server.services.credentials.get(team))?.sid).toBe(NEW_VALUES.sid);
    expect((await t.server.services.credentials.get(enterprise))?.sid).toBe(SETTINGS.sid);
  });
});
