import { describe, expect, it } from 'vitest';
import { API_KEY, textOf, waitUntil } from '../support/app-driver.ts';
import { credentialsSetArgs, runCliProcess } from '../support/cli-process.ts';
import { cliEnvOf } from '../support/consent-driver.ts';
import { postCallback } from '../support/kaleyra-callbacks.ts';
import { numberQualityPayload, templateStatusPayload } from '../support/kaleyra-incoming.ts';
import { useReplicas } from '../support/replicas.ts';
import { useScratchDatabase } from '../support/scratch-database.ts';
import { membersResponder } from '../support/slack-members.ts';

// A database of its own: every replica's announcer sweeps the whole database.
const pgUrl = (await useScratchDatabase('consent_told'))?.url;

const MEMBERS = [
  { id: 'UOWNER001', is_owner: true, is_primary_owner: true },
  { id: 'UAGENT002' },
  { id: 'UADMIN003', is_admin: true },
  { id: 'UBOTADM04', is_admin: true, is_bot: true },
  { id: 'UGONEADM5', is_admin: true, deleted: true },
  { id: 'UGUEST006', is_admin: true, is_restricted: true },
  { id: 'UGUEST007', is_ultra_restricted: true },
  { id: 'UAPPUSR08', is_admin: true, is_app_user: true },
  { id: 'UOWNER009', is_owner: true },
];

/**
 * Template pauses and number flags reach Slack whatever set the credentials up: the replies channel
 * when set; else the Slack user who last saved the settings; else, when the CLI saved them, every
 * admin and owner by DM. Once per change, though both replicas receive the event at once.
 */
describe.skipIf(!pgUrl)('who is told of a template pause or a number flag', () => {
  const r = useReplicas(pgUrl, { sharedKaleyra: true });
  const dms = (user: string) => r.a.slack.callsTo('chat.postMessage').filter((c) => c.body.channel === user);

  async function setFromCli(extra: string[] = []) {
    const env = cliEnvOf(r.on(r.a), pgUrl ?? '');
    const set = await runCliProcess([...credentialsSetArgs(r.team), ...extra], env, API_KEY);
    expect(set.code, set.stderr).toBe(0);
  }

  async function bothReceive(body: string) {
    const answers = await Promise.all([
      postCallback(r.a.url, body, r.login),
      postCallback(r.b.url, body, r.login),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
  }

  it('credentials set from the CLI, no replies channel: every admin and owner gets one DM per change, nobody else', async () => {
    await setFromCli();
    // Slack answers a page of three members at a time: the admins are found on every page.
    r.a.slack.setResponse('users.list', membersResponder(MEMBERS, { teamId: r.team, pageSize: 3 }));
    await bothReceive(
      templateStatusPayload({ event: 'PAUSED', name: 'order_status', reason: 'LOW_QUALITY' }),
    );
    const admins = ['UOWNER001', 'UOWNER009', 'UADMIN003'];
    await waitUntil(() => admins.every((id) => dms(id).length > 0), 5_000, 'every admin told');
    await Promise.all([r.a.server.app.slack.announcer.run(), r.b.server.app.slack.announcer.run()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const id of admins) {
      expect(dms(id), id).toHaveLength(1);
      expect(textOf(dms(id)[0]?.body)).toContain('LOW_QUALITY');
    }
    const posted = r.a.slack.callsTo('chat.postMessage').map((c) => c.body.channel);
    expect(posted.sort()).toEqual([...admins].sort());

    // The next change is told again, once.
    await bothReceive(numberQualityPayload({ event: 'FLAGGED', limit: 'TIER_1K' }));
    await waitUntil(() => admins.every((id) => dms(id).length === 2), 5_000, 'the flag told');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const id of admins) expect(dms(id), id).toHaveLength(2);
  });

  it('credentials set from the CLI with a replies channel: told there, once', async () => {
    await setFromCli(['--replies-channel', 'C0REPLIES9']);
    r.a.slack.setResponse('users.list', membersResponder(MEMBERS, { teamId: r.team }));
    await bothReceive(templateStatusPayload({ event: 'DISABLED', name: 'order_status' }));
    await waitUntil(() => dms('C0REPLIES9').length > 0, 5_000, 'the channel told');
    await Promise.all([r.a.server.app.slack.announcer.run(), r.b.server.app.slack.announcer.run()]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.a.slack.callsTo('chat.postMessage').map((c) => c.body.channel)).toEqual(['C0REPLIES9']);
    expect(r.a.slack.callsTo('users.list')).toHaveLength(0);
  });

  it('a replies channel the bot cannot post in passes the news to the admins', async () => {
    await setFromCli(['--replies-channel', 'C0GONE0001']);
    r.a.slack.refuseChannel('C0GONE0001', 'is_archived');
    r.a.slack.setResponse('users.list', membersResponder(MEMBERS, { teamId: r.team }));
    await bothReceive(templateStatusPayload({ event: 'PAUSED', name: 'order_status' }));
    await waitUntil(() => dms('UOWNER001').length > 0, 5_000, 'the owner told');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const id of ['UOWNER001', 'UOWNER009', 'UADMIN003']) expect(dms(id), id).toHaveLength(1);
    r.a.slack.refuseChannel('C0GONE0001', undefined);
  });
});
