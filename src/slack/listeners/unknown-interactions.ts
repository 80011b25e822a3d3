import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import {
  CONFIG_MODAL_CALLBACK,
  RESEND_ACTION,
  RETRY_ACTION,
  SEND_MODAL_CALLBACK,
  SLASH_COMMAND,
} from '../ids.ts';

const KNOWN_CALLBACKS = new Set([SEND_MODAL_CALLBACK, CONFIG_MODAL_CALLBACK]);
const KNOWN_ACTIONS = new Set([RETRY_ACTION, RESEND_ACTION]);

/**
 * Interactions no listener handles would otherwise wait 3 s for a 404 (Bolt's unhandled-request
 * timeout); they are acknowledged at once and dropped.
 */
export const ackUnknownInteractions: Middleware<AnyMiddlewareArgs> = async (args) => {
  const body = args.body as Record<string, unknown>;
  const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
  if (ack && isUnknown(body)) {
    await ack();
    return;
  }
  await args.next();
};

function isUnknown(body: Record<string, unknown>): boolean {
  if (body.type === 'view_submission' || body.type === 'view_closed') {
    const view = body.view as { callback_id?: unknown } | undefined;
    return typeof view?.callback_id !== 'string' || !KNOWN_CALLBACKS.has(view.callback_id);
  }
  if (body.type === 'block_actions') {
    const actions = Array.isArray(body.actions) ? body.actions : [];
    return !actions.some(
      (a: unknown) =>
        typeof a === 'object' &&
        a !== null &&
        KNOWN_ACTIONS.has((a as { action_id?: string }).action_id ?? ''),
    );
  }
  if (typeof body.command === 'string') return body.command !== SLASH_COMMAND;
  if (body.type === 'shortcut' || body.type === 'message_action' || body.type === 'block_suggestion')
    return true;
  return false;
}
