import type { KnownBlock } from '@slack/types';
import { describeUnavailable } from '../../describe/describe-unavailable.ts';
import type { HomePart } from '../../services/app-home.ts';
import type { KeptReplies, WaitingReply } from '../../storage/incoming-lists.ts';
import { SLASH_COMMAND } from '../ids.ts';
import { codeWithin, escapeWithin, formatSlackDate, httpsLink } from '../messages/mrkdwn.ts';
import { note, problem, section } from './home-blocks.ts';

const SNIPPET_MAX = 150;

/**
 * Customers waiting for an answer, for everyone in the workspace: who (masked), about which order, how
 * many messages, and a link to the thread. Not what they wrote: the thread may be in a channel the
 * reader is not in, and the App Home is everyone's.
 */
export function buildWaitingBlocks(part: HomePart<WaitingReply[]>): KnownBlock[] {
  const title = '*Waiting for an answer*, newest first';
  if (!part.ok) {
    return [
      section(
        `${title}\n${problem(describeUnavailable('the customers waiting for an answer cannot be shown'))}`,
      ),
    ];
  }
  if (part.value.length === 0) return [section(`${title}\nNo customer is waiting for an answer.`)];
  const lines = part.value.map((reply) => {
    const order = reply.referenceId ? ` · order \`${codeWithin(reply.referenceId, 40)}\`` : ' · no order';
    const count = reply.waiting > 1 ? ` · ${reply.waiting} messages` : '';
    const link = reply.permalink ? httpsLink(reply.permalink) : undefined;
    const open = link ? ` · <${link}|open the thread>` : '';
    return `• *${escapeWithin(reply.customerMasked, 40)}*${order}${count} · ${formatSlackDate(reply.sentAt.toISOString())}${open}`;
  });
  return [section([title, ...lines].join('\n'))];
}

/**
 * For admins: customers' messages no place in Slack took, counted, the newest listed with why, and how
 * to have the next ones reach a channel.
 */
export function buildKeptBlocks(
  part: HomePart<KeptReplies>,
  repliesChannel: string | undefined,
): KnownBlock[] {
  if (!part.ok)
    return [section(problem(describeUnavailable('the customers’ messages kept here cannot be shown')))];
  const { count, newest } = part.value;
  if (count === 0) return [];
  const fix = repliesChannel
    ? `New ones go to <#${repliesChannel}>; these came before it was set, or it refused them.`
    : `Pick a replies channel with \`${SLASH_COMMAND} config\` (Settings) so the next ones reach a channel.`;
  const blocks: KnownBlock[] = [
    section(`*Customers’ messages not shown in Slack: ${count}*, newest first\n${fix}`),
    ...newest.map((reply) => {
      const name = reply.customerName ? ` ${escapeWithin(reply.customerName, 100)}` : '';
      const words = reply.text
        ? ` “${escapeWithin(reply.text, SNIPPET_MAX)}”`
        : ` (${codeWithin(reply.type, 40)})`;
      const why = reply.note ? `\n_${reply.note}_` : '';
      return section(
        `• *${escapeWithin(reply.customerMasked, 40)}*${name} · ${formatSlackDate(reply.sentAt.toISOString())}:${words}${why}`,
      );
    }),
  ];
  if (count > newest.length) {
    blocks.push(
      note(
        `${count - newest.length} older ones are not listed; each is deleted with the journal after its retention.`,
      ),
    );
  }
  return blocks;
}
