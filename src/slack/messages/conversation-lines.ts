import type { KnownBlock } from '@slack/types';
import type { Reopening, ResolveOutcome, TakeOutcome } from '../../domain/conversation.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { buildActions } from './buttons.ts';
import { takeOverButton } from './conversation-buttons.ts';
import { cutMrkdwn, formatActor, formatSlackDate, isSlackUserId, type SlackMessage } from './mrkdwn.ts';

type Taken = Extract<TakeOutcome, { outcome: 'took' | 'took_over' }>;
type NotTaken = Extract<TakeOutcome, { outcome: 'already_yours' | 'owned_by_other' }>;
type Resolved = Extract<ResolveOutcome, { outcome: 'resolved' }>;
type AlreadyResolved = Extract<ResolveOutcome, { outcome: 'already_resolved' }>;

const TAKE = ':raising_hand:';
const DONE = ':white_check_mark:';
const AGAIN = ':leftwards_arrow_with_hook:';

const when = (at: Date) => formatSlackDate(at.toISOString());

/** One line of mrkdwn as a message: its section, and the same words for notifications. */
function line(mrkdwn: string, more: KnownBlock[] = []): SlackMessage {
  const text = cutMrkdwn(mrkdwn, SLACK_LIMITS.sectionText);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, ...more] };
}

/** In the thread, for everyone: "<@U> took this conversation" or "<@U> took it over from <@V>". */
export function buildTakenLine(taken: Taken): SlackMessage {
  const who = formatActor(taken.owner);
  return taken.outcome === 'took'
    ? line(`${TAKE} ${who} took this conversation.`)
    : line(`${TAKE} ${who} took it over from ${formatActor(taken.from)}.`);
}

/** In the thread: "<@U> resolved this conversation". */
export function buildResolvedLine(resolved: Resolved): SlackMessage {
  return line(
    `${DONE} ${formatActor(resolved.by)} resolved this conversation. The customer’s next message reopens it.`,
  );
}

/**
 * In the thread, above (or with) the customer's new message: "Reopened: the customer wrote again —
 * <@owner>", or whoever resolved it when nobody had taken it.
 */
export function buildReopenedLine(reopening: Reopening): SlackMessage {
  const notified = formatActor(reopening.notify);
  return reopening.owner === undefined
    ? line(
        `${AGAIN} Reopened: the customer wrote again — ${notified}, who resolved it ${when(reopening.resolvedAt)}; nobody has taken it yet.`,
      )
    : line(`${AGAIN} Reopened: the customer wrote again — ${notified}`);
}

/**
 * To the clicker only, when their Take it changed nothing: it is theirs already, or someone other than
 * the owner they saw has it (with a button to take it over from that person, deliberately).
 */
export function buildTakeNotice(notTaken: NotTaken, incomingId: string): SlackMessage {
  if (notTaken.outcome === 'already_yours') {
    return line(`${TAKE} This conversation is already yours, since ${when(notTaken.since)}.`);
  }
  const told = `${TAKE} ${formatActor(notTaken.owner)} has had this conversation since ${when(notTaken.since)}, so nothing changed.`;
  if (!isSlackUserId(notTaken.owner)) return line(told);
  return line(told, [buildActions([takeOverButton(incomingId, notTaken.owner)])]);
}

/** To the clicker only, when the conversation was resolved already: by whom, and when. */
export function buildResolveNotice(already: AlreadyResolved): SlackMessage {
  return line(
    `${DONE} ${formatActor(already.by)} already resolved this conversation ${when(already.at)}. The customer’s next message reopens it.`,
  );
}
