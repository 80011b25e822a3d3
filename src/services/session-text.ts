import { HASH_PURPOSES, type KeyedHash } from '../domain/keyed-hash.ts';
import type { MediaFile } from '../domain/media-rules.ts';
import { windowStartOf } from '../domain/message-time.ts';
import type { Actor } from '../domain/order-update.ts';
import type { Sealer } from '../domain/sealer.ts';
import { type ReplyWindow, replyWindowOf } from '../domain/session-text.ts';
import type { MediaRefusedError } from '../errors/media-refused-error.ts';
import { ReplyTargetError } from '../errors/reply-target-error.ts';
import { SendRefusedError } from '../errors/send-refused-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import { buildSessionTextPayload } from '../kaleyra/build-payload.ts';
import type { ConversationStore, ReplyOrder } from '../storage/conversation-store.ts';
import type { IncomingRow, IncomingStore } from '../storage/incoming-store.ts';
import type { SessionText } from '../storage/send-journal.ts';
import { CUSTOMER_SEAL_PURPOSE } from './incoming-messages.ts';
import type { GuardInput } from './send-guard.ts';
import { ALLOW_ALL } from './send-guard.ts';
import {
  checkGuard,
  journalActorOf,
  journalAndPost,
  loadCredentials,
  type SendStepsDeps,
} from './send-steps.ts';
import { mediaPayloadFor, type PreparedMedia, prepareMedia } from './session-media.ts';
import type { SendError, SendWarning } from './types.ts';

export type SessionTextDeps = Omit<SendStepsDeps, 'guard'> & {
  guard?: SendStepsDeps['guard'];
  /** Hashes the customer number: the journal row and the customer's last message are found by it. */
  keyedHash: KeyedHash;
  /** Opens the number sealed in a stored customer message (for this workspace only). */
  sealer: Sealer;
  incoming: Pick<IncomingStore, 'read' | 'lastFromCustomer'>;
  orders: Pick<ConversationStore, 'orderOf' | 'latestOrderTo'>;
  /** PUBLIC_URL: where WhatsApp fetches a file sent as a reply (none: files are refused). */
  publicUrl?: string | undefined;
  now?: () => number;
};

export type ReplyError = SendError | ReplyTargetError | MediaRefusedError;

/** How a reply ended; `text` is what was (or would have been) sent, once the customer is known. */
export type ReplyResult =
  | { ok: true; messageId: string; attemptId: string; text: SessionText; warnings?: SendWarning[] }
  | { ok: false; error: ReplyError; text?: SessionText; attemptId?: string };

/** What the Reply button shows before the agent writes: the message, the customer's last one, the window. */
export type ReplyContext = {
  /** The message the button was on. */
  clicked: IncomingRow;
  /** The customer's newest message to this workspace (the window counts from it). */
  latest: IncomingRow;
  window: ReplyWindow;
  /** The customer's number, for the order-status form when the window has closed. */
  to: string;
  order: ReplyOrder | undefined;
};

/** The `text` of one reply, validated at the edge (validateReplyText). */
type ReplyInput = { workspaceId: string; text: string; actor: Actor };

/** One file as Slack describes it, with the text under it as its caption (media-rules.ts checks both). */
type FileReplyInput = { workspaceId: string; actor: Actor; file: MediaFile; caption?: string | undefined };

/** What one reply carries: words, or a file checked as it may be sent (with its caption). */
type ReplyContent = { text: string } | { media: PreparedMedia };

/**
 * An agent's free-form WhatsApp reply (a Kaleyra session text, or a file: session-media.ts), through the
 * same steps as every send:
 * credentials, the consent guard, the duplicate claim and journal (the same words to the same customer
 * go once within 10 minutes), the rate budget, one POST, the outcome recorded. Only inside WhatsApp's
 * 24-hour window, counted from the customer's last message to this workspace; outside it nothing
 * reaches Kaleyra.
 */
export function createSessionTextService(options: SessionTextDeps) {
  const deps: SendStepsDeps = { ...options, guard: options.guard ?? ALLOW_ALL };
  const now = options.now ?? Date.now;
  const hashOf = (to: string) => options.keyedHash(HASH_PURPOSES.customerNumber, to);
  const mediaDeps = { sealer: options.sealer, publicUrl: options.publicUrl };

  /** The stored message in this workspace, with its number unsealed (the binding names the workspace). */
  async function target(workspaceId: string, incomingId: string) {
    const row = await options.incoming.read(workspaceId, incomingId);
    if (!row) return { ok: false as const, error: new ReplyTargetError('not_found') };
    const to = options.sealer.open(row.customer_sealed, { purpose: CUSTOMER_SEAL_PURPOSE, workspaceId });
    if (to === undefined) return { ok: false as const, error: new ReplyTargetError('unreadable') };
    return { ok: true as const, row, to };
  }

  async function windowFor(workspaceId: string, customerHash: string) {
    const latest = await options.incoming.lastFromCustomer(workspaceId, customerHash);
    const start = latest && windowStartOf(new Date(latest.sent_at), new Date(latest.received_at));
    return { latest, window: replyWindowOf(start, now()) };
  }

  async function send(input: {
    workspaceId: string;
    actor: Actor;
    to: string;
    order: ReplyOrder | undefined;
    content: ReplyContent;
  }): Promise<ReplyResult> {
    const { workspaceId, actor, content } = input;
    const media = 'media' in content ? content.media : undefined;
    const text: SessionText = {
      to: input.to,
      body: media ? (media.caption ?? '') : 'text' in content ? content.text : '',
      referenceId: input.order?.referenceId ?? '',
      parentId: input.order?.attemptId,
      ...(media && {
        media: {
          fileId: media.attachment.fileId,
          name: media.attachment.filename,
          mimeType: media.attachment.mimeType,
        },
      }),
    };
    const credentials = await loadCredentials(deps, workspaceId);
    if (!credentials.ok) return { ...credentials, text };
    const customerHash = hashOf(input.to);
    const guardInput: GuardInput = {
      workspaceId,
      credentials: credentials.value,
      customerHash,
      message: { kind: 'text' },
      bulk: false,
    };
    const guard = await checkGuard(deps, guardInput);
    if (!guard.ok) return { ...guard, text };
    const { window } = await windowFor(workspaceId, customerHash);
    if (!window.open) {
      const lastMessageAt = window.lastMessageAt?.toISOString();
      return {
        ok: false,
        error: new SendRefusedError('window_closed', lastMessageAt ? { lastMessageAt } : {}),
        text,
      };
    }
    const sent = await journalAndPost(
      deps,
      credentials.value,
      { workspaceId, ...journalActorOf(actor), text, force: false, customerHash },
      media
        ? mediaPayloadFor({ ...mediaDeps, now }, workspaceId, text.to, media)
        : (refs) => buildSessionTextPayload(text.to, text.body, refs),
      guardInput,
    );
    if (!sent.ok) return { ...sent, text };
    const result: ReplyResult = { ok: true, messageId: sent.messageId, attemptId: sent.attemptId, text };
    if (guard.value.length > 0) result.warnings = guard.value;
    return result;
  }

  /** A StorageError reading the message or the window means nothing may be sent. */
  async function guarded<T>(work: () => Promise<T>): Promise<T | { ok: false; error: StorageError }> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StorageError) return { ok: false, error };
      throw error;
    }
  }

  /** Sends `content` to the customer of the stored message, in the thread of the order it was matched to. */
  function answerMessage(
    input: { workspaceId: string; actor: Actor; incomingId: string },
    content: ReplyContent,
  ): Promise<ReplyResult> {
    return guarded(async () => {
      const found = await target(input.workspaceId, input.incomingId);
      if (!found.ok) return found;
      const order = found.row.attempt_id
        ? await options.orders.orderOf(input.workspaceId, found.row.attempt_id)
        : undefined;
      return send({ workspaceId: input.workspaceId, actor: input.actor, to: found.to, order, content });
    });
  }

  return {
    /** What the reply modal shows for the message `incomingId` of this workspace. */
    openReply(
      workspaceId: string,
      incomingId: string,
    ): Promise<{ ok: true; context: ReplyContext } | { ok: false; error: ReplyTargetError | StorageError }> {
      return guarded(async () => {
        const found = await target(workspaceId, incomingId);
        if (!found.ok) return found;
        const { latest, window } = await windowFor(workspaceId, found.row.customer_hash);
        const order = found.row.attempt_id
          ? await options.orders.orderOf(workspaceId, found.row.attempt_id)
          : undefined;
        const context = { clicked: found.row, latest: latest ?? found.row, window, to: found.to, order };
        return { ok: true as const, context };
      });
    },

    /** Answers the customer of the stored message `incomingId`, in the thread of the order it was matched to. */
    replyToMessage(input: ReplyInput & { incomingId: string }): Promise<ReplyResult> {
      return answerMessage(input, { text: input.text });
    },

    /**
     * Sends a file (JPEG, PNG or PDF, by Meta's limits) with its caption to the customer of the stored
     * message `incomingId`: checked before anything else, then the same steps as a text.
     */
    replyWithFile(input: FileReplyInput & { incomingId: string }): Promise<ReplyResult> {
      const prepared = prepareMedia(mediaDeps, input);
      if (!prepared.ok) return Promise.resolve(prepared);
      return answerMessage(input, { media: prepared.value });
    },

    /** Answers a customer by number (the CLI): belongs to the newest order sent to them within 30 days, if any. */
    replyToNumber(input: ReplyInput & { to: string }): Promise<ReplyResult> {
      return guarded(async () => {
        const order = await options.orders.latestOrderTo(input.workspaceId, hashOf(input.to));
        return send({ ...input, order, content: { text: input.text } });
      });
    },
  };
}

export type SessionTextService = ReturnType<typeof createSessionTextService>;
