import { type OrderStatus, STATUS_LABELS } from '../domain/order-status.ts';
import {
  fillSavedReply,
  readSavedReplyName,
  readSavedReplyText,
  SAVED_REPLIES_MAX,
  type SavedReply,
} from '../domain/saved-reply.ts';
import { SavedReplyError } from '../errors/saved-reply-error.ts';
import { ValidationError } from '../errors/validation-error.ts';
import type { SavedRepliesStore } from '../storage/saved-replies-store.ts';

export type SavedRepliesDeps = {
  store: Pick<SavedRepliesStore, 'add' | 'remove' | 'list' | 'get' | 'count'>;
  /** How many a workspace may keep (SAVED_REPLIES_MAX unless a test says less). */
  max?: number;
};

/** What a send knows to fill placeholders with; anything unknown is left out. */
export type SendContext = {
  /** The customer's WhatsApp profile name, when WhatsApp gave one. */
  customerName?: string | null | undefined;
  referenceId?: string | undefined;
  status?: OrderStatus | undefined;
  /** The sending agent's name as people read it (not their id). */
  agentName?: string | undefined;
};

export type FilledReply = { ok: true; name: string; text: string } | { ok: false; error: SavedReplyError };

/**
 * A workspace's saved replies: admins add (a name that exists is refused unless replacing), remove and
 * list them; a send fills one in. Names and texts are checked here, whichever edge they came from
 * (ValidationError with the field, `name` or `text`); what the store refuses is a SavedReplyError.
 */
export function createSavedReplies(deps: SavedRepliesDeps) {
  const max = deps.max ?? SAVED_REPLIES_MAX;

  function nameOf(input: string) {
    const name = readSavedReplyName(input);
    if (!name.ok) throw new ValidationError({ name: name.issue });
    return name;
  }

  return {
    async add(input: {
      workspaceId: string;
      name: string;
      text: string;
      by: string;
      replace?: boolean;
    }): Promise<{ reply: SavedReply; replaced: boolean; count: number }> {
      const name = nameOf(input.name);
      const text = readSavedReplyText(input.text);
      if (!text.ok) throw new ValidationError({ text: text.issue });
      const { workspaceId } = input;
      const done = await deps.store.add({
        workspaceId,
        ...name,
        text: text.text,
        by: input.by,
        replace: input.replace === true,
        max,
      });
      if (done.outcome === 'exists') {
        throw new SavedReplyError(workspaceId, { reason: 'exists', existing: done.existing });
      }
      if (done.outcome === 'full') throw new SavedReplyError(workspaceId, { reason: 'full', max });
      const count = await deps.store.count(workspaceId);
      return { reply: done.reply, replaced: done.outcome === 'replaced', count };
    },

    /** Removes the reply of that name (whatever its case); SavedReplyError when there is none. */
    async remove(workspaceId: string, typed: string): Promise<SavedReply> {
      const name = nameOf(typed);
      const removed = await deps.store.remove(workspaceId, name.key);
      if (!removed) throw new SavedReplyError(workspaceId, { reason: 'not_found', name: name.name });
      return removed;
    },

    /** Every reply of the workspace, by name. */
    list(workspaceId: string): Promise<SavedReply[]> {
      return deps.store.list(workspaceId);
    },

    /** The reply of that name (whatever its case); SavedReplyError when there is none. */
    async get(workspaceId: string, typed: string): Promise<SavedReply> {
      const name = nameOf(typed);
      const reply = await deps.store.get(workspaceId, name.key);
      if (!reply) throw new SavedReplyError(workspaceId, { reason: 'not_found', name: name.name });
      return reply;
    },

    /**
     * The text to send for a picked reply, filled in with what the send knows: refused, naming the
     * placeholder, when one it uses has no value, and when filled in it is longer than a reply may be.
     */
    async fill(input: { workspaceId: string; name: string; context: SendContext }): Promise<FilledReply> {
      const { workspaceId, context } = input;
      const refused = (problem: ConstructorParameters<typeof SavedReplyError>[1]): FilledReply => ({
        ok: false,
        error: new SavedReplyError(workspaceId, problem),
      });
      const name = readSavedReplyName(input.name);
      if (!name.ok) return refused({ reason: 'not_found', name: input.name });
      const reply = await deps.store.get(workspaceId, name.key);
      if (!reply) return refused({ reason: 'not_found', name: name.name });
      const filled = fillSavedReply(reply.text, {
        name: context.customerName,
        order: context.referenceId,
        status: context.status && STATUS_LABELS[context.status].toLowerCase(),
        agent: context.agentName,
      });
      if (filled.ok) return { ok: true, name: reply.name, text: filled.text };
      if (filled.reason === 'unfilled') {
        return refused({ reason: 'unfilled', name: reply.name, placeholder: filled.placeholder });
      }
      if (filled.reason === 'too_long') return refused({ ...filled, name: reply.name });
      return refused({ reason: 'invalid', name: reply.name, issue: filled.issue });
    },
  };
}

export type SavedReplies = ReturnType<typeof createSavedReplies>;
