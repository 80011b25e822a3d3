import { beforeEach, describe, expect, it } from 'vitest';
import { QUALITY_RESUME_ACTION } from '../../src/slack/ids.ts';
import {
  buttonValue,
  clickButton,
  command,
  outcomeOf,
  postsTo,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import { CUSTOMER, cliEnvOf, customerSays, qualityEvent, templateEvent } from '../support/consent-driver.ts';
import { acceptedAs } from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { useScratchDatabase } from '../support/scratch-database.ts';
import { openAppHome, viewOf } from '../support/slack-surfaces.ts';

const scratch = await useScratchDatabase('consentadmin');

/** Admins manage opt-outs, keywords and the quality override (CLI and Slack); the journal says who, when, why. */
describe.skipIf(!scratch)('consent and quality for admins', () => {
  const t = useTestApp(scratch ? { kind: 'postgres', url: scratch.url } : undefined);
  let login: Login;
  const cli = (...args: string[]) => runCliProcess(args, cliEnvOf(t, scratch?.url ?? ''));
  const journal = () =>
    t.server.services.db.query<{
      action: string;
      changed_by: string;
      reason: string;
      customer_masked: string;
    }>(
      'SELECT action, changed_by, reason, customer_masked FROM opt_out_changes WHERE workspace_id = $1 ORDER BY changed_at',
      [t.team],
    );
  /** What `/orderstatus <text>` answered the asker (in its ack, or through its response_url). */
  async function slash(text: string, userId: string) {
    const sent = command(t, text, { userId });
    const ack = await sent.post();
    if (ack.text !== '') return ack.text;
    return textOf((await waitUntil(() => postsTo(t, sent)[0], 5000, 'the answer')).body);
  }

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    t.slack.setUser('UADMIN', { is_admin: true });
  });

  it('CLI: optout add, list (masked, when, why, by whom), a send refused, remove; every change journaled', async () => {
    const added = await cli(
      'optout',
      'add',
      '--team',
      t.team,
      '--to',
      CUSTOMER.e164,
      '--reason',
      'asked by email',
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('opted out: +91 •••• 3210');
    const listed = await cli('optout', 'list', '--team', t.team);
    expect(listed.stdout).toContain('1 opted out');
    expect(listed.stdout).toMatch(/\+91 •••• 3210 since \d{4}-\d\d-\d\dT[\d:.]+Z: the CLI: asked by email/);
    expect(listed.stdout).not.toContain('9876543210');

    const send = await cli(
      'send',
      '--team',
      t.team,
      '--to',
      CUSTOMER.e164,
      '--ref',
      'ADM1',
      '--status',
      'shipped',
    );
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('error [OPTED_OUT]');
    expect(send.stderr).toContain('the CLI opted the number out (asked by email)');

    const removed = await cli('optout', 'remove', '--team', t.team, '--to', CUSTOMER.e164);
    expect(removed.stdout).toContain('opt-out lifted: +91 •••• 3210');
    expect((await cli('optout', 'list', '--team', t.team)).stdout).toContain('0 opted out');
    expect(t.kaleyra.requests).toHaveLength(0);
    expect(await journal()).toEqual([
      { action: 'opt_out', changed_by: 'cli', reason: 'asked by email', customer_masked: '+91 •••• 3210' },
      { action: 'opt_in', changed_by: 'cli', reason: 'lifted by an admin', customer_masked: '+91 •••• 3210' },
    ]);
    const [row] = await t.server.services.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM opt_outs WHERE customer_hash LIKE '%9876543210%' OR customer_masked LIKE '%9876543210%'`,
    );
    expect(Number(row?.n)).toBe(0);
  });

  it('a keyword of the workspace’s own (any case, punctuation around it) opts out; removed, it no longer does', async () => {
    expect((await cli('optout', 'keyword-add', '--team', t.team, '--word', 'Parar')).stdout).toContain(
      'added: a message that is only PARAR',
    );
    expect((await cli('optout', 'keywords', '--team', t.team)).stdout).toContain('PARAR: opts out');
    await customerSays(t, login, '¡parar!');
    const refused = command(t, `${CUSTOMER.e164} KW1 shipped`);
    await refused.post();
    expect(textOf((await outcomeOf(t, refused)).body)).toContain('OPTED_OUT');

    expect((await cli('optout', 'remove', '--team', t.team, '--to', CUSTOMER.e164)).code).toBe(0);
    expect((await cli('optout', 'keyword-remove', '--team', t.team, '--word', 'parar')).stdout).toBe(
      'removed: PARAR\n',
    );
    await customerSays(t, login, 'PARAR');
    t.kaleyra.respondWith(acceptedAs('AKEYWORD000000001'));
    const sent = command(t, `${CUSTOMER.e164} KW2 shipped`);
    await sent.post();
    expect(textOf((await outcomeOf(t, sent)).body)).toContain('AKEYWORD000000001');
    expect((await cli('optout', 'keyword-add', '--team', t.team, '--word', 'stop')).stderr).toContain(
      'STOP is already a standard keyword',
    );
  });

  it('a message that merely contains “stop” opts nobody out', async () => {
    await customerSays(t, login, "please don't stop my order");
    await customerSays(t, login, 'STOP sending the wrong parcel!');
    t.kaleyra.respondWith(acceptedAs('ANOTSTOPPED000001'));
    const sent = command(t, `${CUSTOMER.e164} NS1 shipped`);
    await sent.post();
    expect(textOf((await outcomeOf(t, sent)).body)).toContain('ANOTSTOPPED000001');
    expect(await journal()).toEqual([]);
  });

  it('Slack: /orderstatus optout +… for admins (add, list, remove); anyone else is refused in plain words', async () => {
    const refused = await slash(`optout ${CUSTOMER.e164}`, 'UAGENT');
    expect(refused).toContain('Only workspace admins and owners can see or change who opted out');
    expect(await journal()).toEqual([]);

    expect(await slash(`optout +91 98765 43210 asked on the phone`, 'UADMIN')).toContain(
      '<@UADMIN> opted +91 •••• 3210 out',
    );
    const list = await slash('optout list', 'UADMIN');
    expect(list).toContain('1 opted out');
    expect(list).toContain('<@UADMIN>: asked on the phone');
    expect(await slash(`optout remove ${CUSTOMER.e164}`, 'UADMIN')).toContain(
      'lifted the opt-out of +91 •••• 3210',
    );
    expect(await slash('optout', 'UADMIN')).toContain('/orderstatus optout remove +919876543210');
    expect((await journal()).map((row) => [row.action, row.changed_by])).toEqual([
      ['opt_out', 'UADMIN'],
      ['opt_in', 'UADMIN'],
    ]);
  });

  it('the thread of the order says the customer opted out and when, then that they opted back in', async () => {
    t.kaleyra.respondWith(acceptedAs('ATHREADNOTICE0001'));
    const sent = command(t, `${CUSTOMER.e164} TH1 shipped`);
    await sent.post();
    const outcome = await outcomeOf(t, sent);
    await customerSays(t, login, 'STOP');
    const notice = await t.slack.waitFor((s) =>
      s
        .callsTo('chat.postMessage')
        .find((c) => c.body.thread_ts === outcome.ts && textOf(c.body).includes('opted out')),
    );
    expect(notice.body.channel).toBe(outcome.channel);
    expect(textOf(notice.body)).toContain('+91 •••• 3210');
    expect(textOf(notice.body)).toContain('<!date^');
    await customerSays(t, login, 'start');
    await t.slack.waitFor((s) =>
      s
        .callsTo('chat.postMessage')
        .find((c) => c.body.thread_ts === outcome.ts && textOf(c.body).includes('opted back in')),
    );
  });

  it('quality show and resume (CLI and the Slack button, admins only, journaled); App Home shows count and states', async () => {
    await customerSays(t, login, 'STOP');
    await templateEvent(t, login, 'APPROVED');
    await qualityEvent(t, login, 'FLAGGED', 'TIER_250');
    const shown = await cli('quality', 'show', '--team', t.team);
    expect(shown.stdout).toContain('Opted-out customers: 1');
    expect(shown.stdout).toContain('Template order_status in en (the default): APPROVED since');
    expect(shown.stdout).toMatch(
      /Business number \+91 •••• 0000: quality flagged \(FLAGGED since .*, messaging limit TIER_250\): bulk sends are paused/,
    );

    // The admins' announcement carries the button; a non-admin's click changes nothing.
    const told = await t.slack.waitFor((s) =>
      s
        .callsTo('chat.postMessage')
        .find((c) => c.body.channel === 'UADMIN' && textOf(c.body).includes('FLAGGED')),
    );
    const value = buttonValue(told.body, QUALITY_RESUME_ACTION);
    expect(value).toBeDefined();
    const stranger = clickButton(t, {
      actionId: QUALITY_RESUME_ACTION,
      value: value ?? '',
      userId: 'UAGENT',
    });
    await stranger.post();
    expect(textOf((await waitUntil(() => postsTo(t, stranger)[0])).body)).toContain('Only workspace admins');
    const admin = clickButton(t, { actionId: QUALITY_RESUME_ACTION, value: value ?? '', userId: 'UADMIN' });
    await admin.post();
    expect(textOf((await waitUntil(() => postsTo(t, admin)[0])).body)).toContain(
      '<@UADMIN> resumed bulk sends',
    );
    expect((await cli('quality', 'resume', '--team', t.team)).stdout).toContain('Nothing to resume');
    const overrides = await t.server.services.db.query<{ overridden_by: string; event: string }>(
      'SELECT overridden_by, event FROM quality_overrides WHERE workspace_id = $1',
      [t.team],
    );
    expect(overrides).toEqual([{ overridden_by: 'UADMIN', event: 'FLAGGED' }]);
    expect((await cli('quality', 'show', '--team', t.team)).stdout).toContain(
      'bulk sends resumed deliberately by UADMIN',
    );

    await openAppHome(t, 'UADMIN');
    const home = textOf(viewOf(await t.slack.waitFor((s) => s.callsTo('views.publish')[0])));
    expect(home).toContain('Consent and quality');
    expect(home).toContain('Opted-out customers: 1');
    expect(home).toContain('messaging limit `TIER_250`');
    expect(home).toContain('resumed deliberately by <@UADMIN>');
  });
});
