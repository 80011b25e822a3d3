import { describe, expect, it } from 'vitest';
import { CALLBACK_BODY_LIMIT_BYTES, CALLBACK_ITEMS_MAX } from '../../src/callbacks/read-callback.ts';
import { textOf } from '../support/app-driver.ts';
import { repliesUnder, textMessage, useConversationApp } from '../support/conversation-driver.ts';
import { sendUpdate } from '../support/delivery-driver.ts';
import { getCallback, postCallback } from '../support/kaleyra-callbacks.ts';
import { incomingPayload, incomingQuery } from '../support/kaleyra-incoming.ts';
import { ownStorageModes } from '../support/scratch-database.ts';

/** A body of `count` customer messages (text `body`, ids `wamid.<prefix>-<n>`) in Kaleyra's envelope. */
function manyMessages(count: number, prefix: string, body = 'x'): string {
  const one = JSON.parse(incomingPayload({ id: 'wamid.0' }));
  const [template] = one.meta_object.value.messages;
  one.meta_object.value.messages = Array.from({ length: count }, (_, n) => ({
    ...template,
    id: `wamid.${prefix}-${n}`,
    text: { body },
  }));
  return JSON.stringify(one);
}

describe.each(await ownStorageModes('callback_envelopes'))(
  'what one callback may carry, on the %s',
  (_name, storage) => {
    const { t, login } = useConversationApp(storage);

    const stored = async () =>
      (
        await t.server.services.db.query<{ n: string }>(
          'SELECT count(*) AS n FROM incoming_messages WHERE workspace_id = $1',
          [t.team],
        )
      )[0]?.n;

    it('reads the messages of a body whose other fields are of unexpected types (status an object, extra_info a string, numbers)', async () => {
      const sent = await sendUpdate(t, 'ENV-1', 'AENV1000000000001');
      const body = JSON.parse(incomingPayload({ id: 'wamid.ENV1', message: textMessage('Still waiting') }));
      body.status = { unexpected: true };
      body.extra_info = 'not an object';
      body.message_id = 12345;
      body.meta_object.value.messages[0].timestamp = Math.floor(Date.now() / 1000);
      body.meta_object.value.metadata.display_phone_number = 919900000001;
      const answer = await postCallback(t.url, JSON.stringify(body), login());
      expect(answer.status).toBe(200);
      const [reply] = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '');
      expect(textOf(reply?.blocks)).toContain('> Still waiting');
    });

    it(`refuses a 1 MiB body of 5,000 messages whole and at once (413), recording nothing, and its retry alike`, async () => {
      let body = manyMessages(5000, 'BIG', 'y'.repeat(100));
      const room = CALLBACK_BODY_LIMIT_BYTES - Buffer.byteLength(body);
      expect(room).toBeGreaterThanOrEqual(0);
      body += ' '.repeat(room);
      expect(Buffer.byteLength(body)).toBe(CALLBACK_BODY_LIMIT_BYTES);
      for (const attempt of ['first', 'retry']) {
        const answer = await postCallback(t.url, body, login());
        expect(answer.status, attempt).toBe(413);
        expect(answer.text).toContain(`More than ${CALLBACK_ITEMS_MAX}`);
      }
      expect(Number(await stored())).toBe(0);
    });

    it(`records a body of ${CALLBACK_ITEMS_MAX} messages whole, answering 200 once it has`, async () => {
      const body = manyMessages(CALLBACK_ITEMS_MAX, 'FULL');
      // Within the answer budget on a quiet machine; a busy one may answer 503 first, and Kaleyra's
      // retry then finds every message recorded (the test retries as Kaleyra does).
      let answer = await postCallback(t.url, body, login());
      for (let retry = 0; answer.status === 503 && retry < 3; retry++) {
        answer = await postCallback(t.url, body, login());
      }
      expect(answer.status).toBe(200);
      expect(Number(await stored())).toBe(CALLBACK_ITEMS_MAX);
    });

    it('keeps STOP, START, STOP from one number by a GET profile without created_at as three messages, and the customer opted out', async () => {
      for (const word of ['STOP', 'START', 'STOP']) {
        const query = incomingQuery({ from: '919876543210', type: 'text', body: word });
        expect((await getCallback(t.url, query, login())).status).toBe(200);
      }
      expect(Number(await stored())).toBe(3);
      const optedOut = await t.server.services.consent.list(t.team);
      expect(optedOut.entries.map((entry) => entry.customerMasked)).toEqual(['+91 •••• 3210']);
    });

    it('shows a customer’s second "yes" by a GET profile without created_at', async () => {
      const sent = await sendUpdate(t, 'ENV-5', 'AENV5000000000001');
      for (let i = 0; i < 2; i++) {
        const query = incomingQuery({ from: '919876543210', name: 'Samuel', type: 'text', body: 'yes' });
        expect((await getCallback(t.url, query, login())).status).toBe(200);
      }
      const replies = await repliesUnder(t, sent.channel ?? '', sent.ts ?? '', 2);
      for (const reply of replies) expect(textOf(reply.blocks)).toContain('> yes');
    });
  },
);
