import { beforeEach, describe, expect, it } from 'vitest';
import { WINDOW_CLOSED_SUMMARY } from '../../src/describe/describe-refusal.ts';
import { SETTINGS, storageModes, useTestApp } from '../support/app-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import {
  acceptedAs,
  acceptingSessionTextsAs,
  KALEYRA_RESPONSES,
  sessionTextIssues,
} from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { ago, cliBeside, customerWrites } from '../support/replies-driver.ts';
import type { StorageMode } from '../support/start-app.ts';

describe.each(await storageModes())(
  'orderstatus reply (a process of its own) on the %s',
  (_name, storage) => {
    const t = useTestApp(storage);
    let login: Login;

    beforeEach(async () => {
      login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    });

    const reply = (args: string[], stdin = '', team = t.team) =>
      runCliProcess(['reply', '--team', team, ...args], cliBeside(t, storage as StorageMode), stdin);
    const sessionTexts = () =>
      t.kaleyra.requests.filter((request) => JSON.stringify(request.body).includes('"type":"text"'));

    it('sends the document’s session text, answering the newest order to that number, and prints only the message_id', async () => {
      const order = await sendUpdate(t, 'CLI-R1', 'ACLIR1000000000001');
      await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.hours(20) });
      t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('ACLIREPLY000000001')));
      const run = await reply(['--to', '+91 98765 43210', '--text', 'Your parcel leaves the depot today.']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('ACLIREPLY000000001\n');
      const [request] = sessionTexts();
      expect(request && sessionTextIssues(request)).toEqual([]);
      const [row] = await t.server.services.db.query<{
        id: string;
        parent_id: string;
        actor: string;
        source: string;
      }>(`SELECT id, parent_id, actor, source FROM send_journal WHERE workspace_id = $1 AND kind = 'text'`, [
        t.team,
      ]);
      expect(row).toMatchObject({ parent_id: order.attemptId, actor: 'cli', source: 'cli' });
      expect(request?.body).toMatchObject({
        messaging_object: {
          to: '+919876543210',
          text: { preview_url: false, body: 'Your parcel leaves the depot today.' },
        },
        extra_info: { ref: t.team, ref1: 'cli', ref2: row?.id },
      });
    });

    it('reads --text - from stdin, several lines kept, the last line break trimmed', async () => {
      await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.minutes(5) });
      t.kaleyra.respondWith(acceptingSessionTextsAs(acceptedAs('ACLIREPLY000000002')));
      const run = await reply(['--to', '+919876543210', '--text', '-'], 'Line one\nLine two\n');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe('ACLIREPLY000000002');
      expect(sessionTexts()[0]?.body).toMatchObject({
        messaging_object: { text: { body: 'Line one\nLine two' } },
      });
      // No order went to this number: the reply belongs to none.
      const [row] = await t.server.services.db.query<{ parent_id: string | null; reference_id: string }>(
        `SELECT parent_id, reference_id FROM send_journal WHERE workspace_id = $1 AND kind = 'text'`,
        [t.team],
      );
      expect(row).toEqual({ parent_id: null, reference_id: '' });
    });

    it('refuses, exit 1 and nothing to Kaleyra, when the customer never wrote or wrote more than 24 hours ago', async () => {
      const never = await reply(['--to', '+919876543210', '--text', 'Hello?']);
      expect(never.code).toBe(1);
      expect(never.stdout).toBe('');
      expect(never.stderr).toContain('error [WINDOW_CLOSED]');
      expect(never.stderr).toContain(WINDOW_CLOSED_SUMMARY);
      expect(never.stderr).toContain('the customer has not written to this business number');

      await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.minutes(24 * 60 + 1) });
      const late = await reply(['--to', '+919876543210', '--text', 'Hello?']);
      expect(late.code).toBe(1);
      expect(late.stderr).toMatch(/the customer last wrote \d{4}-\d\d-\d\dT/);
      expect(late.stderr).toContain('Send the order-status template instead');
      expect(sessionTexts()).toHaveLength(0);
    });

    it('exits 1 with Kaleyra’s code when Kaleyra refuses, and 2 for a text it cannot send', async () => {
      await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.hours(1) });
      t.kaleyra.respondWith(KALEYRA_RESPONSES.wa401);
      const refused = await reply(['--to', '+919876543210', '--text', 'Hello']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('WA401');
      const invisible = await reply(['--to', '+919876543210', '--text', 'Hi\u202E']);
      expect(invisible.code).toBe(2);
      expect(invisible.stderr).toContain('--text: The reply contains an invisible RIGHT-TO-LEFT OVERRIDE');
      expect(sessionTexts()).toHaveLength(1);
    });

    it('never answers from another workspace: its credentials and its customers’ messages stay its own', async () => {
      await customerWrites(t, login, { workspaceId: t.team, sentAgoMs: ago.hours(1) });
      const other = `${t.team}Y`;
      await t.server.services.credentials.set(other, { ...SETTINGS, sid: 'HXOTHER000000000' }, 'UADMIN');
      const run = await reply(['--to', '+919876543210', '--text', 'Hello from elsewhere'], '', other);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('the customer has not written to this business number');
      expect(t.kaleyra.requests).toHaveLength(0);
    });
  },
);
