import { beforeEach, describe, expect, it } from 'vitest';
import { storageModes, useTestApp, waitUntil } from '../support/app-driver.ts';
import { eventsOf, readRecord, report, sendUpdate } from '../support/delivery-driver.ts';
import {
  callbackPayload,
  callbackQuery,
  getCallback,
  type Login,
  postCallback,
  rawPost,
} from '../support/kaleyra-callbacks.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const LIMIT = 1024 * 1024;

describe.each(await storageModes())('POST and GET /kaleyra/callbacks on the %s', (_name, storage) => {
  const t = useTestApp(storage);
  let login: Login;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
  });

  it('gives each workspace a random public username and a ≥128-bit password, stored only hashed', async () => {
    expect(login.username).toMatch(/^cb-[A-Za-z0-9_-]{16}$/);
    expect(login.username).not.toContain(t.team);
    expect(Buffer.from(login.password, 'base64url').length).toBeGreaterThanOrEqual(16);
    const rows = await t.server.services.db.query<Record<string, unknown>>(
      'SELECT * FROM callback_credentials WHERE workspace_id = $1',
      [t.team],
    );
    expect(JSON.stringify(rows)).not.toContain(login.password);
    // Rotating keeps the username (Kaleyra's profile keeps it) and the old password stops working.
    const again = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    expect(again.username).toBe(login.username);
    expect(again.password).not.toBe(login.password);
    const sent = await sendUpdate(t, 'CB-ROT', 'ACBROT0000000001');
    expect((await report(t, login, sent, 'delivered')).status).toBe(401);
    expect((await report(t, again, sent, 'delivered')).status).toBe(200);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a wrong password', 'wrong'],
    ['an unknown username', 'unknown-user'],
    ['a header that is not Basic', 'bearer'],
  ] as const)('answers 401 to %s, and records and posts nothing', async (_case, kind) => {
    const sent = await sendUpdate(t, 'CB-401', 'ACB4010000000001');
    const slackCalls = t.slack.calls.length;
    const body = callbackPayload({ status: 'delivered', messageId: sent.messageId, ref2: sent.attemptId });
    const answer = await (async () => {
      if (kind === undefined) return postCallback(t.url, body);
      if (kind === 'wrong') return postCallback(t.url, body, { ...login, password: `${login.password}x` });
      if (kind === 'unknown-user') return postCallback(t.url, body, { ...login, username: 'cb-nobody' });
      const response = await fetch(new URL('/kaleyra/callbacks', t.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${login.password}` },
        body,
      });
      return { status: response.status, headers: response.headers };
    })();
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await eventsOf(t, sent.attemptId)).toEqual([]);
    expect((await readRecord(t, sent.attemptId))?.delivery_state).toBeNull();
    // Nothing about this message reached Slack (other tests' edits may still be landing).
    const about = t.slack.calls
      .slice(slackCalls)
      .filter(
        (call) =>
          call.body.ts === sent.ts || call.body.thread_ts === sent.ts || call.body.channel === 'UAGENT',
      );
    expect(about).toEqual([]);
    expect((await t.server.services.callbackCredentials.show(t.team))?.lastCallbackAt).toBeNull();
  });

  it('answers 400 to a body that is not JSON, or JSON that is not an object', async () => {
    for (const body of ['{"status": "delivered",', 'not json at all', '[]', '"delivered"']) {
      const answer = await postCallback(t.url, body, login);
      expect(answer.status, body).toBe(400);
    }
  });

  it('answers 413 to a declared body over 1 MiB before reading it, and takes one of exactly 1 MiB', async () => {
    const over = await rawPost(t.url, login, { declared: LIMIT + 1, send: 10 });
    expect(over).toBe(413);
    const padded = callbackPayload({ status: 'delivered', messageId: 'ANOBODYKNOWS00001' });
    const exact = padded + ' '.repeat(LIMIT - Buffer.byteLength(padded));
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    expect((await postCallback(t.url, exact, login)).status).toBe(200);
  });

  it('answers 413 to a chunked body that grows past 1 MiB, without buffering the rest', async () => {
    expect(await rawPost(t.url, login, { chunked: LIMIT + 64 * 1024 })).toBe(413);
  });

  it('answers 200 and logs at debug level for a message this workspace never sent (another tool on the number)', async () => {
    const answer = await postCallback(
      t.url,
      callbackPayload({ status: 'delivered', messageId: 'AOTHERTOOL0000001', ref2: 'not-ours' }),
      login,
    );
    expect(answer.status).toBe(200);
    await waitUntil(() =>
      t.logs.find((line) => line.includes('"level":20') && line.includes('did not send here')),
    );
  });

  it('matches by statuses[].id, by extra_info.message_id, and by ref2 when no id is known', async () => {
    const byWamid = await sendUpdate(t, 'CB-ID1', 'wamid.KNOWNASWAMID0001');
    const onlyWamid = callbackPayload({
      status: 'sent',
      messageId: 'ANOTKNOWN00000001',
      wamid: byWamid.messageId,
    });
    expect((await postCallback(t.url, onlyWamid, login)).status).toBe(200);
    expect((await readRecord(t, byWamid.attemptId))?.delivery_state).toBe('sent');

    const byRef2 = await sendUpdate(t, 'CB-ID2', 'ACBREF2000000001');
    const unknownIds = callbackPayload({
      status: 'delivered',
      messageId: 'ANOTKNOWN00000002',
      ref2: byRef2.attemptId,
    });
    expect((await postCallback(t.url, unknownIds, login)).status).toBe(200);
    expect((await readRecord(t, byRef2.attemptId))?.delivery_state).toBe('delivered');

    // Only extra_info.message_id names it: the top-level id and the wamid are someone else's.
    const byExtra = await sendUpdate(t, 'CB-ID3', 'ACBEXTRA00000001');
    const extraOnly = JSON.parse(callbackPayload({ status: 'read', messageId: 'ANOTKNOWN00000003' }));
    extraOnly.extra_info.message_id = byExtra.messageId;
    expect((await postCallback(t.url, JSON.stringify(extraOnly), login)).status).toBe(200);
    expect((await readRecord(t, byExtra.attemptId))?.delivery_state).toBe('read');
  });

  it('takes a GET profile’s query parameters (id, status, timestamp, refs, error_code, error)', async () => {
    const sent = await sendUpdate(t, 'CB-GET', 'ACBGET0000000001');
    const delivered = callbackQuery({
      id: sent.messageId,
      status: 'delivered',
      timestamp: '1764412900',
      ref: t.team,
      ref1: 'UAGENT',
      ref2: sent.attemptId,
    });
    expect((await getCallback(t.url, delivered)).status).toBe(401);
    expect((await getCallback(t.url, delivered, login)).status).toBe(200);
    const record = await readRecord(t, sent.attemptId);
    expect(record?.delivery_state).toBe('delivered');
    expect(record?.delivered_at?.toISOString()).toBe('2025-11-29T10:41:40.000Z');

    const other = await sendUpdate(t, 'CB-GET2', 'ACBGET0000000002');
    const failed = callbackQuery({
      message_id: other.messageId,
      status: 'failed',
      error_code: '131026',
      error: 'Message undeliverable',
    });
    expect((await getCallback(t.url, failed, login)).status).toBe(200);
    expect(await readRecord(t, other.attemptId)).toMatchObject({
      delivery_state: 'failed',
      delivery_error_code: '131026',
      delivery_error_text: 'Message undeliverable',
    });
  });

  it('applies a callback only to the workspace it authenticated as, whatever ids or refs it names', async () => {
    const sent = await sendUpdate(t, 'CB-ISO', 'ACBISO0000000001');
    const stranger = await t.server.services.callbackCredentials.rotate(uniqueTeamId(), 'UOTHER');
    const answer = await report(t, stranger, sent, 'failed', { errorCode: 131026 });
    expect(answer.status).toBe(200);
    expect(await eventsOf(t, sent.attemptId)).toEqual([]);
    expect((await readRecord(t, sent.attemptId))?.delivery_state).toBeNull();
  });

  it('records an unknown status word in the history without changing the state, and a repeat changes nothing', async () => {
    const sent = await sendUpdate(t, 'CB-WORD', 'ACBWORD000000001');
    expect((await report(t, login, sent, 'delivered')).status).toBe(200);
    expect((await report(t, login, sent, 'deleted')).status).toBe(200);
    expect((await report(t, login, sent, 'constructor')).status).toBe(200);
    expect((await report(t, login, sent, 'delivered')).status).toBe(200);
    expect((await eventsOf(t, sent.attemptId)).map((e) => e.status).sort()).toEqual([
      'constructor',
      'deleted',
      'delivered',
    ]);
    const record = await readRecord(t, sent.attemptId);
    expect(record?.delivery_state).toBe('delivered');
    expect(record?.delivery_version).toBe(1);
  });

  it('moves the state only forward: read > delivered > failed > sent > not-sent, times kept whatever the order', async () => {
    const sent = await sendUpdate(t, 'CB-ORDER', 'ACBORDER00000001');
    await report(t, login, sent, 'read', { timestamp: '1764412900' });
    await report(t, login, sent, 'failed', { errorCode: 131026, timestamp: '1764412950' });
    await report(t, login, sent, 'delivered', { timestamp: '1764412850' });
    await report(t, login, sent, 'sent', { timestamp: '1764412800' });
    await report(t, login, sent, 'not-sent');
    const record = await readRecord(t, sent.attemptId);
    expect(record).toMatchObject({
      delivery_state: 'read',
      delivery_error_code: null,
      delivery_failed_at: null,
    });
    expect(record?.read_at?.toISOString()).toBe('2025-11-29T10:41:40.000Z');
    expect(record?.delivered_at?.toISOString()).toBe('2025-11-29T10:40:50.000Z');
    expect(record?.whatsapp_sent_at?.toISOString()).toBe('2025-11-29T10:40:00.000Z');
    // The failure after the read is kept in the attempt's history.
    expect((await eventsOf(t, sent.attemptId)).map((e) => `${e.status}${e.error_code}`).sort()).toEqual([
      'delivered',
      'failed131026',
      'not-sent',
      'read',
      'sent',
    ]);
  });

  it('notes when the last callback arrived, for callbacks show', async () => {
    await postCallback(t.url, callbackPayload({ status: 'sent', messageId: 'ANOBODY0000000009' }), login);
    const shown = await waitUntil(
      async () => (await t.server.services.callbackCredentials.show(t.team))?.lastCallbackAt,
    );
    expect(Date.now() - shown.getTime()).toBeLessThan(10_000);
  });
});
