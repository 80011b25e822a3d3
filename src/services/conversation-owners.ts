import { randomUUID } from 'node:crypto';
import type {
  ConversationState,
  Mention,
  Reopening,
  ResolveOutcome,
  TakeOutcome,
  WaitingList,
} from '../domain/conversation.ts';
import { isSlackUserId } from '../domain/slack-user.ts';
import { ConversationError } from '../errors/conversation-error.ts';
import type { ConversationOwnersStore } from '../storage/conversation-owners-store.ts';
import type { ConversationWaiting } from '../storage/conversation-waiting.ts';

export type ConversationOwnersDeps = {
  store: Pick<ConversationOwnersStore, 'take' | 'resolve' | 'reopen' | 'ofMessage'>;
  waiting: Pick<ConversationWaiting, 'waiting'>;
  newId?: () => string;
};

type Clicked = { workspaceId: string; incomingId: string; userId: string };
type Outcome<T> = { ok: true; value: T } | { ok: false; error: ConversationError };

/** Owners are people: a click's user, never `cli` or a workflow. */
function person(userId: string): string {
  if (!isSlackUserId(userId)) throw new TypeError('a conversation is taken or resolved by a Slack user');
  return userId;
}

/**
 * Who has each customer's conversation (domain/conversation.ts) and whether it is done, shared by every
 * replica. A Take it or Resolve click names a customer's message; its conversation is found from it in
 * the clicking workspace only.
 */
export function createConversationOwners(deps: ConversationOwnersDeps) {
  const newId = deps.newId ?? randomUUID;
  return {
    /**
     * Takes the conversation of the clicked message. `from` is the owner the clicker saw (none: nobody):
     * taking it from them is a take-over; anyone else having it now is told, and nothing changes.
     */
    async take(input: Clicked & { from: string | undefined }): Promise<Outcome<TakeOutcome>> {
      const userId = person(input.userId);
      const from = input.from === undefined ? undefined : person(input.from);
      const after = await deps.store.take({ ...input, userId, from, changeId: newId() });
      if (!after?.owner || !after.ownedSince) return { ok: false, error: new ConversationError('take') };
      const { owner, ownedSince: since } = after;
      if (after.changed) {
        const value: TakeOutcome = after.previousOwner
          ? { outcome: 'took_over', owner, from: after.previousOwner, since }
          : { outcome: 'took', owner, since };
        return { ok: true, value };
      }
      const outcome = owner === userId ? 'already_yours' : 'owned_by_other';
      return { ok: true, value: { outcome, owner, since } };
    },

    /** Resolves the conversation of the clicked message; a second Resolve is told who resolved it and when. */
    async resolve(input: Clicked): Promise<Outcome<ResolveOutcome>> {
      const after = await deps.store.resolve({ ...input, userId: person(input.userId), changeId: newId() });
      if (!after?.resolvedBy || !after.resolvedAt) {
        return { ok: false, error: new ConversationError('resolve') };
      }
      const { resolvedBy: by, resolvedAt: at } = after;
      const value: ResolveOutcome = after.changed
        ? { outcome: 'resolved', by, at, owner: after.owner }
        : { outcome: 'already_resolved', by, at };
      return { ok: true, value };
    },

    /**
     * A newly recorded customer's message: reopens its resolved conversation when it was written after
     * the resolution (and asks for an answer: not STOP, not a reaction). Once per conversation however
     * many replicas record messages at once. Undefined when it reopened nothing.
     */
    async reopenOnMessage(workspaceId: string, incomingId: string): Promise<Reopening | undefined> {
      const state = await deps.store.reopen(workspaceId, incomingId, newId());
      if (!state?.resolvedBy || !state.resolvedAt) return undefined;
      const { owner, resolvedBy, resolvedAt } = state;
      return { owner, resolvedBy, resolvedAt, notify: owner ?? resolvedBy };
    },

    /** The conversation of a customer's message as it stands (nobody has it yet: no owner). */
    async ownerOf(workspaceId: string, incomingId: string): Promise<ConversationState | undefined> {
      return (await deps.store.ofMessage(workspaceId, incomingId))?.state;
    },

    /**
     * Whom the customer's message mentions: the conversation's owner on every message; with no owner, the
     * agent who sent the order, on the order's first reply only (as before owners existed).
     */
    async mentionFor(workspaceId: string, incomingId: string): Promise<Mention | undefined> {
      const found = await deps.store.ofMessage(workspaceId, incomingId);
      if (!found) return undefined;
      if (found.state.owner) return { userId: found.state.owner, as: 'owner' };
      const sender = found.orderSender;
      if (found.firstReply && sender && isSlackUserId(sender)) return { userId: sender, as: 'sender' };
      return undefined;
    },

    /** The workspace's conversations whose customer waits, longest wait first, with owners. */
    waiting(workspaceId: string, limit: number): Promise<WaitingList> {
      return deps.waiting.waiting(workspaceId, limit);
    },
  };
}

export type ConversationOwners = ReturnType<typeof createConversationOwners>;
