import { describeWaited, type WaitingConversation } from '../../domain/conversation.ts';
import { codeWithin, cutMrkdwn, escapeWithin, formatActor, formatSlackDate, httpsLink } from './mrkdwn.ts';

/** One entry's most (mrkdwn, as sent): room for every part, Slack's own thread link included. */
export const WAITING_ENTRY_MAX = 600;
/** A longer (escaped) link is left out rather than cut. */
const LINK_MAX = 300;

/**
 * One conversation on the App Home's waiting list: the customer (masked), the order, how long they have
 * waited and since when, how many messages, who has it, and the thread. Not what they wrote (the App
 * Home is everyone's). `now` is when the home is drawn: the wait is as of then.
 */
export function buildWaitingEntry(conversation: WaitingConversation, now: Date): string {
  const since = conversation.waitingSince;
  const order = conversation.referenceId
    ? `order \`${codeWithin(conversation.referenceId, 40)}\``
    : 'no order';
  const waited = `waiting ${describeWaited(now.getTime() - since.getTime())} (since ${formatSlackDate(since.toISOString())})`;
  const count =
    conversation.messages > 1 ? ` · ${conversation.messages.toLocaleString('en-US')} messages` : '';
  const owner = conversation.owner ? `${formatActor(conversation.owner)} has it` : 'nobody has it yet';
  const link = conversation.permalink ? httpsLink(conversation.permalink) : undefined;
  const open = link && link.length <= LINK_MAX ? ` · <${link}|open the thread>` : '';
  const entry = `• *${escapeWithin(conversation.customerMasked, 40)}* · ${order} · ${waited}${count} · ${owner}${open}`;
  return cutMrkdwn(entry, WAITING_ENTRY_MAX);
}
