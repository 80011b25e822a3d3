import { randomUUID } from 'node:crypto';
import type { FoundKeyword, KeywordAction } from '../domain/consent-keywords.ts';
import type { IncomingMessage } from '../domain/incoming-message.ts';
import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import { keptSentAt } from '../domain/message-time.ts';
import type { Sealer } from '../domain/sealer.ts';
import { chooseNumber, numbersOfWhatsAppId } from '../domain/whatsapp-number.ts';
import type { IncomingDetails, IncomingRecorded, IncomingStore } from '../storage/incoming-store.ts';

export type { KeywordAction } from '../domain/consent-keywords.ts';

/** The consent rules the receiver asks about each message (the consent service; none: no keywords). */
export type KeywordReader = {
  /** The keyword the message is, when it is only one (this workspace's words included). */
  keywordOf(workspaceId: string, message: IncomingMessage): Promise<FoundKeyword | undefined>;
  /**
   * Applies it, as of when the customer wrote it, before the message is recorded (so the record says
   * whether it counted). Idempotent per message: a retried callback gets the first outcome again, so a
   * first try that failed after applying records the message with it on the retry. `late`: a newer
   * word or change decides the number's consent, so this one was journaled and changed nothing.
   * Undefined when it could not be applied (no business number).
   */
  apply(
    workspaceId: string,
    message: IncomingMessage,
    keyword: FoundKeyword,
  ): Promise<{ late: boolean } | undefined>;
};

/** What the customer's number is sealed for in a stored message: the agent's reply to them. */
export const CUSTOMER_SEAL_PURPOSE = 'customer-number';

export type IncomingMessagesDeps = {
  store: Pick<IncomingStore, 'record' | 'newestSentTo'>;
  keyedHash: KeyedHash;
  sealer: Sealer;
  consent?: KeywordReader | undefined;
  newId?: () => string;
  /** The receipt clock (ms), against which a message's own time is believed (message-time.ts). */
  now?: () => number;
};

/** One message as recorded: new (to show in Slack) or a retry of one already recorded. */
export type RecordedIncoming = IncomingRecorded & {
  type: IncomingMessage['type'];
  keyword: KeywordAction | undefined;
};

/**
 * Customers' messages into the store, each once per WhatsApp id (Kaleyra retries, and two replicas may
 * both receive one), matched to the order of this workspace it is about; consent keywords applied.
 */
export function createIncomingMessages(deps: IncomingMessagesDeps) {
  const newId = deps.newId ?? randomUUID;
  const hashOf = (number: string) => deps.keyedHash(HASH_PURPOSES.customerNumber, number);

  /** The number agents type for this WhatsApp id: the one this workspace sent to, when it may be several. */
  async function customerNumberOf(workspaceId: string, whatsAppId: string): Promise<string> {
    const numbers = numbersOfWhatsAppId(whatsAppId);
    if (numbers.length === 1) return chooseNumber(numbers, undefined);
    const hashes = numbers.map(hashOf);
    const sent = await deps.store.newestSentTo(workspaceId, hashes);
    return chooseNumber(numbers, sent === undefined ? undefined : numbers[hashes.indexOf(sent)]);
  }

  const now = deps.now ?? Date.now;
  return {
    async record(workspaceId: string, messages: readonly IncomingMessage[]): Promise<RecordedIncoming[]> {
      const recorded: RecordedIncoming[] = [];
      for (const received of messages) {
        // Consent, the order it answers, the window and history all know the customer by this number.
        const message = {
          ...received,
          from: await customerNumberOf(workspaceId, received.from),
          sentAt: keptSentAt(received.sentAt, new Date(now())),
        };
        const keyword = await deps.consent?.keywordOf(workspaceId, message);
        const applied = keyword && (await deps.consent?.apply(workspaceId, message, keyword));
        const details: IncomingDetails = {};
        if (message.media) details.media = message.media;
        if (message.location) details.location = message.location;
        const result = await deps.store.record({
          id: newId(),
          workspaceId,
          messageId: message.messageId,
          customerHash: hashOf(message.from),
          customerMasked: maskPhoneNumber(message.from),
          customerSealed: deps.sealer.seal(message.from, { purpose: CUSTOMER_SEAL_PURPOSE, workspaceId }),
          customerName: message.name,
          businessNumber: message.businessNumber,
          type: message.type,
          text: message.text,
          details: Object.keys(details).length > 0 ? details : undefined,
          sentAt: message.sentAt,
          contextId: message.contextId,
          replyTo: message.replyTo,
          keyword: keyword?.action,
          keywordLate: applied?.late ?? false,
        });
        recorded.push({ ...result, type: message.type, keyword: keyword?.action });
      }
      return recorded;
    },
  };
}

export type IncomingMessages = ReturnType<typeof createIncomingMessages>;
