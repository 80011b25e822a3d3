import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from '../../src/domain/incoming-message.ts';
import { HASH_PURPOSES } from '../../src/domain/keyed-hash.ts';
import type { OrderStatus } from '../../src/domain/order-status.ts';
import { createIncomingMessages } from '../../src/services/incoming-messages.ts';
import type { Database } from '../../src/storage/database.ts';
import { createCipher, createSealer, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { createIncomingPosts, heldBy } from '../../src/storage/incoming-posts.ts';
import { createIncomingStore } from '../../src/storage/incoming-store.ts';
import { loadKeyedHash } from '../../src/storage/keyed-hash.ts';
import { createSendJournal } from '../../src/storage/send-journal.ts';

const cipher = createCipher(parseEncryptionKeys(Buffer.alloc(32, 9).toString('base64')));

/**
 * Orders, customers' messages and agents' replies written through the app's own stores (the journal,
 * the receiver's record, the poster's claim), so what the conversation queries read is what the app
 * writes.
 */
export async function conversationFixture(db: Database) {
  const keyedHash = await loadKeyedHash(db, cipher, 'keyed-hash-conversations-test');
  const journal = createSendJournal(db, keyedHash);
  const incoming = createIncomingMessages({
    store: createIncomingStore(db),
    keyedHash,
    sealer: createSealer(cipher),
  });
  const posts = createIncomingPosts(db);
  const hashOf = (number: string) => keyedHash(HASH_PURPOSES.customerNumber, number);

  return {
    hashOf,
    /** An order-status update sent to `to`; its message_id is `messageId` (for a customer's WhatsApp reply). */
    async order(
      team: string,
      to: string,
      referenceId: string,
      actor = 'USENDER',
      status: OrderStatus = 'shipped',
    ) {
      const begun = await journal.begin({
        workspaceId: team,
        actor,
        channelId: 'CORDERS',
        source: 'slack',
        update: { to, referenceId, status, templateName: 'order_status', languageCode: 'en' },
        force: false,
        customerHash: hashOf(to),
      });
      if (!begun.ok) throw new Error('the order was not begun');
      const messageId = `M-${randomUUID()}`;
      await journal.complete(begun.attempt, { outcome: 'sent', messageId });
      return { attemptId: begun.attempt.attemptId, messageId };
    },

    /**
     * The customer's message, recorded and shown in the order's thread (or, matched to no order, the
     * replies channel). Returns the stored message's id.
     */
    async message(
      team: string,
      from: string,
      more: Partial<Pick<IncomingMessage, 'text' | 'type' | 'contextId' | 'sentAt'>> & {
        keyword?: boolean;
      } = {},
    ): Promise<string> {
      const [recorded] = await incoming.record(team, [
        {
          messageId: `wamid.${randomUUID()}`,
          from,
          type: more.type ?? 'text',
          text: more.text ?? 'Where is my parcel?',
          sentAt: more.sentAt ?? new Date(),
          ...(more.contextId ? { contextId: more.contextId } : {}),
        },
      ]);
      if (!recorded?.inserted) throw new Error('the message was not recorded');
      if (more.keyword) {
        await db.query(`UPDATE incoming_messages SET keyword = 'opt_out' WHERE id = $1`, [recorded.id]);
      }
      const claim = await posts.claim(team, recorded.id, 60);
      if (!claim) throw new Error('the message was not claimed');
      const state = recorded.attemptId ? 'thread' : 'replies_channel';
      const at = { channel: 'CORDERS', ts: `${Date.now() / 1000}`, threadTs: '1700000000.000100' };
      await posts.markPosted(heldBy(claim), state, at, undefined);
      await posts.setPermalink(
        team,
        recorded.id,
        `https://example.slack.com/archives/CORDERS/p${recorded.id}`,
      );
      return recorded.id;
    },

    /** An agent's reply to `to` (sent), in the thread of `parentId` when given. */
    async reply(team: string, to: string, parentId?: string) {
      const begun = await journal.begin({
        workspaceId: team,
        actor: 'UREPLIER',
        channelId: 'CORDERS',
        source: 'slack',
        text: { to, body: `Answer ${randomUUID()}`, referenceId: '', parentId },
        force: false,
        customerHash: hashOf(to),
      });
      if (!begun.ok) throw new Error('the reply was not begun');
      await journal.complete(begun.attempt, { outcome: 'sent', messageId: `M-${randomUUID()}` });
    },
  };
}
