import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { command, outcomeOf, storageModes, useTestApp } from '../support/app-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs, acceptingSessionTextsAs } from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { cliBeside, customerWrites } from '../support/replies-driver.ts';
import type { StorageMode } from '../support/start-app.ts';

describe.each(await storageModes())('orderstatus history, in and out, on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  const cli = (args: string[]) => runCliProcess(args, cliBeside(t, storage as StorageMode));
  // WhatsApp's timestamps are whole seconds: a second between steps keeps their order unambiguous.
  const aSecond = () => sleep(1_100);

  it('interleaves the update, the customer’s messages and the agent’s reply, oldest first, numbers masked', async () => {
    await sendUpdate(t, 'HIS-1', 'AHIS10000000000001');
    await aSecond();
    await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: 0, text: 'Where is my parcel?' });
    t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('AHISREPLY000000001')));
    const replied = await cli([
      'reply',
      '--team',
      t.team,
      '--to',
      '+919876543210',
      '--text',
      'It leaves today.\nSorry!',
    ]);
    expect(replied.code, replied.stderr).toBe(0);
    await aSecond();
    await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: 0, text: 'Thanks!' });
    // Another customer's order and message: in neither listing.
    t.kaleyra.reset();
    const other = command(t, '+14155552671 HIS-2 processing');
    await other.post();
    await outcomeOf(t, other);
    await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: 0, from: '14155552671', text: 'Other' });

    for (const query of [
      ['--ref', 'HIS-1'],
      ['--to', '+91 98765 43210'],
    ]) {
      const run = await cli(['history', '--team', t.team, ...query]);
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(
        /^The conversation (about order HIS-1|with \+91 •••• 3210) in T\w+, oldest first:$/,
      );
      const heads = lines.filter((line) => /^\d{4}-/.test(line)).map((line) => line.replace(/^\S+ {2}/, ''));
      expect(heads).toEqual([
        'out  UAGENT  shipped  order HIS-1 to +91 •••• 3210  message_id AHIS10000000000001',
        'in   Samuel (+91 •••• 3210) wrote',
        'out  the CLI replied to +91 •••• 3210 (order HIS-1)  message_id AHISREPLY000000001',
        'in   Samuel (+91 •••• 3210) wrote',
      ]);
      const text = run.stdout;
      expect(text.indexOf('> Where is my parcel?')).toBeLessThan(text.indexOf('> It leaves today.'));
      expect(text).toContain('  > It leaves today.\n  > Sorry!\n  Accepted by Kaleyra');
      expect(text.indexOf('> Sorry!')).toBeLessThan(text.indexOf('> Thanks!'));
      expect(text).not.toContain('HIS-2');
      expect(text).not.toContain('Other');
      expect(text).not.toContain('9876543210');
      // Times run forward.
      const times = lines
        .filter((line) => /^\d{4}-/.test(line))
        .map((line) => Date.parse(line.split(' ')[0] ?? ''));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });

  it('shows a customer who wrote with no order, by number only', async () => {
    await customerWrites(t, login, {
      workspaceId: t.team,
      sentAgoMs: 60_000,
      from: '447911123456',
      text: 'Hello?',
    });
    const byNumber = await cli(['history', '--team', t.team, '--to', '+447911123456']);
    expect(byNumber.code).toBe(0);
    expect(byNumber.stdout).toContain('in   Samuel (+44 •••• 3456) wrote\n  > Hello?');
    const elsewhere = await cli(['history', '--team', `${t.team}Z`, '--to', '+447911123456']);
    expect(elsewhere.stdout).toContain('No update, reply or customer message for +44 •••• 3456 was found');
  });
});
