import { isSlackUserId } from '../../domain/slack-user.ts';
import { RESOLVE_ACTION, TAKE_ACTION } from '../ids.ts';
import { INCOMING_ID } from '../views/reply-modal.ts';
import type { ButtonSpec } from './buttons.ts';

/** What a Take it click asks: the message's conversation, taken from nobody or from the owner the clicker saw. */
export type TakeRequest = { incomingId: string; from: string | undefined };

/**
 * `<message id>` when nobody had the conversation, `<message id>:<owner>` when someone did (owners are
 * Slack users; anything else is no one a take-over could name, so it is left out).
 */
export function takeValue(incomingId: string, owner: string | undefined): string {
  return owner === undefined || !isSlackUserId(owner) ? incomingId : `${incomingId}:${owner}`;
}

/** A Take it button's value read back; undefined when it is not one this app made. */
export function readTakeValue(value: string | undefined): TakeRequest | undefined {
  const parts = (value ?? '').split(':');
  const [incomingId, from] = parts;
  if (parts.length > 2 || incomingId === undefined || !INCOMING_ID.test(incomingId)) return undefined;
  if (from !== undefined && !isSlackUserId(from)) return undefined;
  return { incomingId, from };
}

/** A Resolve button's value read back (the message's id); undefined when it is not one this app made. */
export function readResolveValue(value: string | undefined): string | undefined {
  return value !== undefined && INCOMING_ID.test(value) ? value : undefined;
}

/**
 * Take it and Resolve, to go beside Reply on a customer's message. `owner`: who has the conversation as
 * the message is posted, so a click takes it over from them and no one else.
 */
export function conversationButtons(incomingId: string, owner: string | undefined): ButtonSpec[] {
  return [
    { actionId: TAKE_ACTION, text: 'Take it', value: takeValue(incomingId, owner) },
    { actionId: RESOLVE_ACTION, text: 'Resolve', value: incomingId },
  ];
}

/** The button under "someone else has it": takes the conversation over from that owner. */
export function takeOverButton(incomingId: string, owner: string): ButtonSpec {
  return { actionId: TAKE_ACTION, text: 'Take it over', value: takeValue(incomingId, owner) };
}
