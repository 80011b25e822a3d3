import { randomUUID } from 'node:crypto';
import {
  type FoundKeyword,
  type KeywordAction,
  keywordForm,
  keywordProblem,
  standardKeyword,
} from '../domain/consent-keywords.ts';
import type { IncomingMessage } from '../domain/incoming-message.ts';
import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import { maskPhoneNumber } from '../domain/mask-phone.ts';
import { wholeSeconds } from '../domain/message-time.ts';
import type { WorkspaceCredentials } from '../domain/workspace-settings.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { ConsentApplied, ConsentKeyword, ConsentStore, OptOutEntry } from '../storage/consent-store.ts';
import type { KeywordReader } from './incoming-messages.ts';

/** `optout list` shows at most this many numbers (newest first); the count says how many there are. */
export const OPT_OUT_LIST_MAX = 200;

export type ConsentDeps = {
  store: Pick<
    ConsentStore,
    'apply' | 'list' | 'count' | 'keywordAction' | 'addKeyword' | 'removeKeyword' | 'listKeywords'
  >;
  credentials: { get(workspaceId: string): Promise<WorkspaceCredentials | undefined> };
  keyedHash: KeyedHash;
  newId?: () => string;
  /** When an admin acts (ms): their change counts from then. */
  now?: () => number;
};

/** An admin's opt-out or opt-in of one number: who, and why. */
export type AdminConsentChange = {
  workspaceId: string;
  /** E.164, validated by the edge. */
  number: string;
  action: KeywordAction;
  /** A Slack user id, or `cli`. */
  by: string;
  reason: string | undefined;
};

export type AdminConsentResult = ConsentApplied & { customerMasked: string; businessNumber: string };

/**
 * Customers' consent per workspace and business number: the keywords in their messages (the
 * incoming service's KeywordReader), admins' opt-outs and opt-ins, the list, and the keywords admins
 * add. Every change is journaled with who made it, when and why; numbers are kept only as their keyed
 * hash and masked. The newest decides, by when it was written (a customer's message's own time) or
 * made (an admin's action), not by when it arrived: Kaleyra delivers late and out of order.
 */
export function createConsent(deps: ConsentDeps) {
  const newId = deps.newId ?? randomUUID;
  const now = deps.now ?? Date.now;

  async function credentialsOf(workspaceId: string): Promise<WorkspaceCredentials> {
    const credentials = await deps.credentials.get(workspaceId);
    if (!credentials) throw new NotConfiguredError(workspaceId);
    return credentials;
  }

  const reader: KeywordReader = {
    async keywordOf(workspaceId, message) {
      // A quick reply's text first (what the customer read), then its payload.
      for (const text of message.keywordTexts ?? []) {
        const word = keywordForm(text);
        if (word === undefined) continue;
        const action = standardKeyword(word) ?? (await deps.store.keywordAction(workspaceId, word));
        if (action) return { action, word };
      }
      return undefined;
    },

    async apply(workspaceId, message: IncomingMessage, keyword: FoundKeyword) {
      // The number the customer wrote to: this workspace's (the callback's login says whose it is).
      const businessNumber =
        (await deps.credentials.get(workspaceId))?.businessNumber ??
        (message.businessNumber ? `+${message.businessNumber.replace(/^\+/, '')}` : undefined);
      if (!businessNumber) return undefined;
      const applied = await deps.store.apply({
        // Made from the message's id: a retried callback (or a second replica) journals and changes nothing.
        id: `message:${workspaceId}:${message.messageId}`,
        workspaceId,
        businessNumber,
        customerHash: deps.keyedHash(HASH_PURPOSES.customerNumber, message.from),
        customerMasked: maskPhoneNumber(message.from),
        action: keyword.action,
        changedBy: 'customer',
        reason: keyword.word,
        causeAt: wholeSeconds(message.sentAt),
      });
      return { late: applied.late };
    },
  };

  return {
    ...reader,

    /** An admin opts a number out (or back in) of this workspace's business number. */
    async change(change: AdminConsentChange): Promise<AdminConsentResult> {
      const { businessNumber } = await credentialsOf(change.workspaceId);
      const customerMasked = maskPhoneNumber(change.number);
      const reason =
        change.reason?.trim() || (change.action === 'opt_out' ? 'added by an admin' : 'lifted by an admin');
      const applied = await deps.store.apply({
        id: newId(),
        workspaceId: change.workspaceId,
        businessNumber,
        customerHash: deps.keyedHash(HASH_PURPOSES.customerNumber, change.number),
        customerMasked,
        action: change.action,
        changedBy: change.by,
        reason,
        causeAt: wholeSeconds(new Date(now())),
      });
      return { ...applied, customerMasked, businessNumber };
    },

    /** The workspace's opted-out numbers, newest first, and how many there are in all. */
    async list(workspaceId: string): Promise<{ total: number; entries: OptOutEntry[] }> {
      const { businessNumber } = await credentialsOf(workspaceId);
      const [total, entries] = await Promise.all([
        deps.store.count(workspaceId, businessNumber),
        deps.store.list(workspaceId, businessNumber, OPT_OUT_LIST_MAX),
      ]);
      return { total, entries };
    },

    /** How many numbers opted out of the workspace's business number (App Home, quality show). */
    async count(workspaceId: string, businessNumber: string): Promise<number> {
      return deps.store.count(workspaceId, businessNumber);
    },

    /** Adds a keyword of the workspace's own (e.g. in the customers' language); ValidationError when it cannot be one. */
    async addKeyword(workspaceId: string, word: string, action: KeywordAction, by: string) {
      const form = keywordForm(word);
      const problem = keywordProblem(form);
      if (problem !== undefined || form === undefined) throw new ValidationError({ keyword: problem ?? '' });
      return { keyword: form, changed: await deps.store.addKeyword(workspaceId, form, action, by) };
    },

    async removeKeyword(workspaceId: string, word: string) {
      const form = keywordForm(word) ?? word;
      return { keyword: form, removed: await deps.store.removeKeyword(workspaceId, form) };
    },

    listKeywords(workspaceId: string): Promise<ConsentKeyword[]> {
      return deps.store.listKeywords(workspaceId);
    },
  };
}

export type Consent = ReturnType<typeof createConsent>;
