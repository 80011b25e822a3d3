import { beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS, storageModes, useTestApp } from '../support/app-driver.ts';
import { report, sendUpdate } from '../support/delivery-driver.ts';
import { getCallback, type Login, postCallback } from '../support/kaleyra-callbacks.ts';
import { incomingPayload, incomingQuery } from '../support/kaleyra-incoming.ts';

type StoredIncoming = {
  message_id: string;
  attempt_id: string | null;
  matched_by: string | null;
  type: string;
  text: string | null;
  customer_masked: string;
  customer_name: string | null;
};

describe.each(await storageModes())(
  "customers' messages at the callback URL, on the %s",
  (_name, storage) => {
    const t = useTestApp(storage);
    let login: Login;

    beforeEach(async () => {
      login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    });

    const stored = (messageId?: string) =>
      t.server.services.db.query<StoredIncoming>(
        `SELECT message_id, attempt_id, matched_by, type, text, customer_masked, customer_name
         FROM incoming_messages WHERE workspace_id = $1 ${messageId ? 'AND message_id = $2' : ''} ORDER BY received_at`,
        messageId ? [t.team, messageId] : [t.team],
      );

    it('records a customer’s text once, however often Kaleyra retries it, matched to the order sent to that number', async () => {
      const sent = await sendUpdate(t, 'IN-1', 'AIN10000000000001');
      const body = incomingPayload({ id: 'wamid.IN1-first' });
      for (let i = 0; i < 3; i++) expect((await postCallback(t.url, body, login)).status).toBe(200);
      const rows = await stored();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        message_id: 'wamid.IN1-first',
        attempt_id: sent.attemptId,
        matched_by: 'number',
        type: 'text',
        text: 'Where is my parcel?',
        customer_masked: '+91 •••• 3210',
        customer_name: 'Samuel',
      });
    });

    it('matches by the message the customer replied to (context.id = the wamid a status callback carried), before the number', async () => {
      const first = await sendUpdate(t, 'IN-2A', 'AIN2A000000000001');
      await report(t, login, first, 'delivered', { wamid: 'wamid.OUR-IN-2A' });
      // A later order to the same number would win a match by number.
      await sendUpdate(t, 'IN-2B', 'AIN2B000000000001');
      const body = incomingPayload({ id: 'wamid.IN2-reply', contextId: 'wamid.OUR-IN-2A' });
      expect((await postCallback(t.url, body, login)).status).toBe(200);
      expect((await stored())[0]).toMatchObject({ attempt_id: first.attemptId, matched_by: 'context' });
    });

    it('matches a reply that arrives before any status callback by extra_info.reply_to (Kaleyra’s message id)', async () => {
      const first = await sendUpdate(t, 'IN-3A', 'AIN3A000000000001');
      await sendUpdate(t, 'IN-3B', 'AIN3B000000000001');
      const body = incomingPayload({
        id: 'wamid.IN3',
        contextId: 'wamid.NOT-YET-KNOWN',
        replyTo: 'AIN3A000000000001',
      });
      expect((await postCallback(t.url, body, login)).status).toBe(200);
      expect((await stored())[0]).toMatchObject({ attempt_id: first.attemptId, matched_by: 'reply_to' });
    });

    it('matches by number the newest send that reached the customer, not one WhatsApp reported undelivered', async () => {
      const reached = await sendUpdate(t, 'IN-7A', 'AIN7A000000000001');
      const undelivered = await sendUpdate(t, 'IN-7B', 'AIN7B000000000001');
      await report(t, login, undelivered, 'failed', { errorCode: 131026 });
      const body = incomingPayload({ id: 'wamid.IN7' });
      expect((await postCallback(t.url, body, login)).status).toBe(200);
      expect((await stored())[0]).toMatchObject({ attempt_id: reached.attemptId, matched_by: 'number' });
    });

    it('matches a number two workspaces both sent to by the workspace whose login it came with, never the other', async () => {
      const mine = await sendUpdate(t, 'IN-9A', 'AIN9A000000000001');
      // Another workspace sends to the same customer afterwards: the newest send to that number is theirs.
      const { server, slack, kaleyra, url, dataDir, logs } = t;
      const other = { server, slack, kaleyra, url, dataDir, logs, team: `${t.team}Z` };
      await t.server.services.credentials.set(other.team, { ...SETTINGS, sid: 'HXOTHER000000000' }, 'UADMIN');
      const theirs = await sendUpdate(other, 'IN-9B', 'AIN9B000000000001');
      const otherLogin = await t.server.services.callbackCredentials.rotate(other.team, 'UADMIN');
      expect((await postCallback(t.url, incomingPayload({ id: 'wamid.IN9-mine' }), login)).status).toBe(200);
      expect(
        (await postCallback(t.url, incomingPayload({ id: 'wamid.IN9-theirs' }), otherLogin)).status,
      ).toBe(200);
      expect(await stored()).toEqual([
        expect.objectContaining({
          message_id: 'wamid.IN9-mine',
          attempt_id: mine.attemptId,
          matched_by: 'number',
        }),
      ]);
      const [kept] = await t.server.services.db.query<{ message_id: string; attempt_id: string }>(
        'SELECT message_id, attempt_id FROM incoming_messages WHERE workspace_id = $1',
        [other.team],
      );
      expect(kept).toEqual({ message_id: 'wamid.IN9-theirs', attempt_id: theirs.attemptId });
    });

    it('counts each new message once by its type in orderstatus_incoming_messages_total (a retry is not counted)', async () => {
      const count = async (type: string) => {
        const text = await (await fetch(new URL('/metrics', t.url))).text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith(`orderstatus_incoming_messages_total{type="${type}"}`));
        return Number(line?.split(' ').at(-1) ?? 0);
      };
      const [texts, images] = [await count('text'), await count('image')];
      await postCallback(t.url, incomingPayload({ id: 'wamid.IN8-a' }), login);
      await postCallback(t.url, incomingPayload({ id: 'wamid.IN8-a' }), login);
      const photo = { type: 'image', image: { mime_type: 'image/jpeg', id: 'm1', caption: 'the box' } };
      await postCallback(t.url, incomingPayload({ id: 'wamid.IN8-b', message: photo }), login);
      expect(await count('text')).toBe(texts + 1);
      expect(await count('image')).toBe(images + 1);
    });

    it('keeps a message from a number no order went to, unmatched', async () => {
      const body = incomingPayload({ id: 'wamid.IN4', from: '14155550123' });
      expect((await postCallback(t.url, body, login)).status).toBe(200);
      expect((await stored())[0]).toMatchObject({
        attempt_id: null,
        matched_by: null,
        customer_masked: '+1 •••• 0123',
      });
    });

    it('refuses a message without credentials or with wrong ones (401), recording nothing', async () => {
      const body = incomingPayload({ id: 'wamid.IN5' });
      expect((await postCallback(t.url, body)).status).toBe(401);
      expect((await postCallback(t.url, body, { ...login, password: 'wrong' })).status).toBe(401);
      expect(await stored()).toHaveLength(0);
    });

    it('reads a GET profile’s message (its query variables) and records a retried GET once', async () => {
      await sendUpdate(t, 'IN-6', 'AIN60000000000001');
      const query = incomingQuery({
        from: '919876543210',
        name: 'Samuel',
        type: 'text',
        body: 'Is it coming today?',
        created_at: String(Math.floor(Date.now() / 1000)),
        wanumber: '919876500000',
      });
      expect((await getCallback(t.url, query, login)).status).toBe(200);
      expect((await getCallback(t.url, query, login)).status).toBe(200);
      const rows = await stored();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ text: 'Is it coming today?', matched_by: 'number' });
    });

    it('answers 200 to a body it does not know, and 400 to one that is not JSON, recording nothing', async () => {
      expect((await postCallback(t.url, JSON.stringify({ something: 'else' }), login)).status).toBe(200);
      expect((await postCallback(t.url, '{"meta_object":', login)).status).toBe(400);
      expect(await stored()).toHaveLength(0);
    });
  },
);
