import { SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';
import { hasNoText, messageIssues, viewIssues } from './block-kit-surfaces.ts';

/**
 * Slack's refusals of what an app sends, for the fake Slack: answers in the shapes Slack's Web API gives
 * (HTTP 200, `ok: false`). Recorded from Slack's answers as published in its SDKs' issue threads, e.g.
 * slackapi/bolt-python#1016 (`invalid_blocks` with `errors` and `response_metadata.messages`) and
 * nicklambourne/slackblocks#36 (`invalid_arguments` for views.open, messages only).
 */
const VIEW_METHODS = ['views.open', 'views.update', 'views.push', 'views.publish'];
const MESSAGE_METHODS = ['chat.postMessage', 'chat.postEphemeral', 'chat.update'];

export function refusalOf(
  method: string,
  body: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (VIEW_METHODS.includes(method)) {
    const issues = viewIssues(body.view);
    if (issues.length === 0) return undefined;
    return { ok: false, error: 'invalid_arguments', response_metadata: { messages: issues.map(asMetadata) } };
  }
  if (!MESSAGE_METHODS.includes(method)) return undefined;
  if (typeof body.blocks === 'string') return { ok: false, error: 'invalid_blocks_format' };
  const issues = messageIssues(body);
  if (issues.length > 0) {
    return {
      ok: false,
      error: 'invalid_blocks',
      errors: issues,
      response_metadata: { messages: issues.map(asMetadata) },
    };
  }
  if (hasNoText(body)) return { ok: false, error: 'no_text' };
  return undefined;
}

/**
 * What Slack answers a response_url POST whose blocks it refuses: HTTP 400 with the bare code as text
 * (slackapi/java-slack-sdk#1017, sourcegraph/sourcegraph#49979); undefined when it is accepted.
 */
export function responseUrlRefusal(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'invalid_payload';
  const message = body as Record<string, unknown>;
  if (message.delete_original === true) return undefined;
  if (messageIssues(message).length > 0) return 'invalid_blocks';
  if (hasNoText(message)) return 'no_text';
  return undefined;
}

/** Slack keeps the first 40,000 characters of a longer `text` (chat.postMessage, "Truncating content"). */
export function storedText(text: unknown): unknown {
  return typeof text === 'string' && text.length > SLACK_LIMITS.messageText
    ? text.slice(0, SLACK_LIMITS.messageText)
    : text;
}

const asMetadata = (issue: string) => `[ERROR] ${issue}`;
