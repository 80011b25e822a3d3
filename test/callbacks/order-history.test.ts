import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import {
  command,
  type JsonRecord,
  outcomeOf,
  storageModes,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { readRecord, report, sendUpdate } from '../support/delivery-driver.ts';
import { acceptedAs } from '../support/fake-kaleyra.ts';
import { type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { type StorageMode, TEST_ENCRYPTION_KEY } from '../support/start-app.ts';

describe.each(await storageModes())('order history on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  /** The CLI in this process, on the app's own storage. */
  async function cli(args: string[], env: Record<string, string> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      args,
      { ...storageEnv(storage as StorageMode, t.dataDir), LOG_LEVEL: 'warn', ...env },
      { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: () => '' },
      async () => undefined,
    );
    return { code, out, err };
  }

  /** Three updates: H-1 shipped (read), H-1 completed (failed 131026), H-2 to another customer. */
  async function sendThree() {
    const shipped = await sendUpdate(t, 'H-1', 'AHIST0000000000001');
    await report(t, login, shipped, 'delivered', { timestamp: '1764412860' });
    await report(t, login, shipped, 'read', { timestamp: '1764412920' });
    t.kaleyra.respondWith(acceptedAs('AHIST0000000000002'));
    const completed = command(t, '+919876543210 H-1 completed "All boxes arrived"');
    await completed.post();
    await outcomeOf(t, completed);
    const [latest] = await t.server.services.journal.list(t.team);
    await report(t, login, { messageId: 'AHIST0000000000002', attemptId: latest?.id ?? '' }, 'failed', {
      errorCode: 131026,
    });
    t.kaleyra.respondWith(acceptedAs('AHIST0000000000003'));
    const other = command(t, '+14155552671 H-2 processing');
    await other.post();
    await outcomeOf(t, other);
    await waitUntil(async () => (await readRecord(t, latest?.id ?? ''))?.delivery_state === 'failed');
    return { shipped };
  }

  it('/orderstatus history <reference>: newest first, only to the asker, with who, status, message_id and delivery', async () => {
    await sendThree();
    const asked = command(t, 'history H-1', { userId: 'UOTHER' });
    const ack = await asked.post();
    expect(ack.status).toBe(200);
    const answer = await outcomeOf(t, asked);
    expect((answer.body as JsonRecord).response_type).toBe('ephemeral');
    const text = textOf(answer.body);
    expect(text).toContain('History of order `H-1`');
    // Newest first: the completed update (failed) before the shipped one (read).
    expect(text.indexOf('*Completed*')).toBeLessThan(text.indexOf('*Shipped*'));
    expect(text).toContain('<@UAGENT>');
    expect(text).toContain('AHIST0000000000002');
    expect(text).toContain('All boxes arrived');
    expect(text).toContain('Not delivered');
    expect(text).toContain('131026');
    expect(text).toContain('Read <!date^1764412920^');
    expect(text).toContain('delivered <!date^1764412860^');
    expect(text).not.toContain('H-2');
    expect(text).not.toContain('9876543210');
  });

  it('/orderstatus history +91…: every update sent to that number, found by its keyed hash', async () => {
    await sendThree();
    const asked = command(t, 'history +91 98765-43210');
    await asked.post();
    const text = textOf((await outcomeOf(t, asked)).body);
    expect(text).toContain('Updates sent to +91 •••• 3210');
    expect(text.match(/for order `H-1`/g)).toHaveLength(2);
    expect(text).not.toContain('H-2');
    const stored = await t.server.services.db.query<{ customer_hash: string | null }>(
      'SELECT customer_hash FROM send_journal WHERE workspace_id = $1',
      [t.team],
    );
    expect(stored.every((row) => row.customer_hash && !row.customer_hash.includes('9876543210'))).toBe(true);
  });

  it('says, when a number finds nothing, that older sends are found by reference only', async () => {
    await sendUpdate(t, 'H-OLD', 'AHISTOLD0000000001');
    // A send from before migration 6: no hash of the number.
    await t.server.services.db.query('UPDATE send_journal SET customer_hash = NULL WHERE workspace_id = $1', [
      t.team,
    ]);
    const byNumber = command(t, 'history +919876543210');
    await byNumber.post();
    const text = textOf((await outcomeOf(t, byNumber)).body);
    expect(text).toContain('No update sent to +91 •••• 3210');
    expect(text).toContain('found by order reference only');
    const byReference = command(t, 'history H-OLD');
    await byReference.post();
    expect(textOf((await outcomeOf(t, byReference)).body)).toContain('AHISTOLD0000000001');
  });

  it('answers a missing or malformed query in the ack, and never shows another workspace’s updates', async () => {
    for (const [line, needle] of [
      ['history', 'order reference'],
      ['history +91123', 'number'],
      ['history bad/ref', 'letters, digits'],
    ] as const) {
      const ack = await command(t, line).post();
      expect((ack.json as JsonRecord).response_type).toBe('ephemeral');
      expect(ack.text).toContain(needle);
    }
    await sendUpdate(t, 'H-MINE', 'AHISTMINE000000001');
    const elsewhere = command(t, 'history H-MINE', { teamId: 'TSOMEONEELSE' });
    await elsewhere.post();
    expect(textOf((await outcomeOf(t, elsewhere)).body)).toContain('No update has been sent');
  });

  it('orderstatus history --team T (--ref R | --to +…) prints the same in a terminal, oldest first', async () => {
    await sendThree();
    const byRef = await cli(['history', '--team', t.team, '--ref', 'H-1']);
    expect(byRef.code, byRef.err.join('\n')).toBe(0);
    const text = byRef.out.join('\n');
    // Oldest first in a terminal: the conversation reads in the order it happened.
    expect(text.indexOf('shipped')).toBeLessThan(text.indexOf('completed'));
    expect(text).toContain('UAGENT');
    expect(text).toContain('message_id AHIST0000000000001');
    expect(text).toContain('Read 2025-11-29T10:42:00.000Z (delivered 2025-11-29T10:41:00.000Z).');
    expect(text).toContain('Not delivered');
    expect(text).toContain('(131026)');
    expect(text).not.toContain('9876543210');

    const byNumber = await cli(['history', '--team', t.team, '--to', '+14155552671']);
    expect(byNumber.out.join('\n')).toContain('order H-2');
    const none = await cli(['history', '--team', t.team, '--to', '+447911123456']);
    expect(none.code).toBe(0);
    expect(none.out.join('\n')).toContain('found by order reference only');
    expect((await cli(['history', '--team', t.team])).code).toBe(2);
    expect((await cli(['history', '--team', t.team, '--ref', 'A', '--to', '+14155552671'])).code).toBe(2);
  });

  it('orderstatus callbacks rotate prints exactly url, username and password, and the password works at once', async () => {
    const rotated = await cli(['callbacks', 'rotate', '--team', t.team], {
      PUBLIC_URL: 'https://orders.example.com/',
    });
    expect(rotated.code, rotated.err.join('\n')).toBe(0);
    expect(rotated.out).toHaveLength(3);
    const [url, username, password] = rotated.out;
    expect(url).toBe('url: https://orders.example.com/kaleyra/callbacks');
    expect(username).toBe(`username: ${login.username}`);
    expect(password).toMatch(/^password: [A-Za-z0-9_-]{32}$/);
    const fresh = { username: login.username, password: (password ?? '').slice('password: '.length) };
    const body = '{"status":"sent","message_id":"ANOBODY00000000001"}';
    expect((await postCallback(t.url, body, fresh)).status).toBe(200);
    // The server caches a verified login for at most 5 s; then the old password is refused.
    await waitUntil(async () => (await postCallback(t.url, body, login)).status === 401, 8000, 'old refused');

    const shown = await cli(['callbacks', 'show', '--team', t.team]);
    expect(shown.code).toBe(0);
    expect(shown.out[0]).toBe('url: https://YOUR-HOST/kaleyra/callbacks');
    expect(shown.out[1]).toBe(`username: ${login.username}`);
    expect(shown.out[2]).toMatch(/^last callback: \d{4}-\d\d-\d\dT/);
    expect(shown.out.join('\n')).not.toContain(fresh.password);

    const nobody = await cli(['callbacks', 'show', '--team', 'TNOCALLBACKS1']);
    expect(nobody.code).toBe(1);
    expect(nobody.err.join('\n')).toContain('orderstatus callbacks rotate --team TNOCALLBACKS1');
  });
});

function storageEnv(storage: StorageMode, dataDir: string): Record<string, string> {
  return storage.kind === 'postgres'
    ? { DATA_DIR: dataDir, DATABASE_URL: storage.url, ENCRYPTION_KEY: TEST_ENCRYPTION_KEY }
    : { DATA_DIR: dataDir };
}
