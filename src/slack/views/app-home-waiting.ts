import type { KnownBlock } from '@slack/types';
import { describeUnavailable } from '../../describe/describe-unavailable.ts';
import type { WaitingList } from '../../domain/conversation.ts';
import type { HomePart } from '../../services/app-home.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { buildWaitingEntry } from '../messages/waiting-entry.ts';
import { note, problem, section } from './home-blocks.ts';

const TITLE = '*Waiting for an answer*, longest wait first';

/**
 * The conversations whose customer waits, for everyone in the workspace: one entry each (waiting-entry.ts),
 * as many to a section as Slack takes in one, and how many more wait beyond those listed.
 */
export function buildWaitingConversationsBlocks(part: HomePart<WaitingList>, now: Date): KnownBlock[] {
  if (!part.ok) {
    const why = describeUnavailable('the customers waiting for an answer cannot be shown');
    return [section(`${TITLE}\n${problem(why)}`)];
  }
  const { total, conversations } = part.value;
  if (conversations.length === 0) return [section(`${TITLE}\nNo customer is waiting for an answer.`)];
  const texts: string[] = [];
  let current = TITLE;
  for (const conversation of conversations) {
    const entry = buildWaitingEntry(conversation, now);
    if (current.length + 1 + entry.length > SLACK_LIMITS.sectionText) {
      texts.push(current);
      current = entry;
    } else current = `${current}\n${entry}`;
  }
  texts.push(current);
  const blocks: KnownBlock[] = texts.map(section);
  const more = total - conversations.length;
  if (more > 0) {
    blocks.push(
      note(
        `${more.toLocaleString('en-US')} more ${more === 1 ? 'conversation waits' : 'conversations wait'}: resolve those that need no answer.`,
      ),
    );
  }
  return blocks;
}
