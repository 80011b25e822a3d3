import { BLOCK_KIT_LIMITS as L } from '../../src/slack/block-kit-limits.ts';
import { checkBlocks } from './block-kit-blocks.ts';
import { BlockKitChecker, type Issues, isRec } from './block-kit-check.ts';

/**
 * What Slack refuses in a message (chat.postMessage, chat.postEphemeral, chat.update, a response_url
 * POST, a slash command's answer): its blocks. Its `text` is not refused when long (Slack truncates it
 * past 40,000 characters); a message with neither `text` nor blocks is refused as `no_text`.
 */
export function messageIssues(message: Record<string, unknown>): Issues {
  const c = new BlockKitChecker();
  let blocks = message.blocks;
  // The Web API takes blocks as a JSON string in form bodies; one that is not JSON is `invalid_blocks_format`.
  if (typeof blocks === 'string') blocks = parseJson(blocks);
  if (blocks !== undefined) checkBlocks(c, blocks, '/blocks', 'message');
  if (message.text !== undefined && typeof message.text !== 'string')
    c.fail('must provide a string', '/text');
  return c.issues;
}

/** True when a message carries nothing to show (`no_text`). */
export function hasNoText(message: Record<string, unknown>): boolean {
  const empty = (value: unknown) => value === undefined || value === '' || value === null;
  return empty(message.text) && empty(message.blocks) && empty(message.attachments);
}

/** What Slack refuses in a view (views.open, views.update, views.push, views.publish, a `response_action`). */
export function viewIssues(view: unknown): Issues {
  const c = new BlockKitChecker();
  const at = '/view';
  if (!isRec(view)) {
    c.fail('must provide an object', at);
    return c.issues;
  }
  const common = ['type', 'blocks', 'private_metadata', 'callback_id', 'external_id'];
  if (view.type === 'home') {
    c.shape(view, at, common, ['type', 'blocks']);
  } else if (view.type === 'modal') {
    const modal = [
      ...common,
      'title',
      'close',
      'submit',
      'clear_on_close',
      'notify_on_close',
      'submit_disabled',
    ];
    c.shape(view, at, modal, ['type', 'title', 'blocks']);
    c.text(view.title, `${at}/title`, L.viewTitle, 'plain');
    c.text(view.submit, `${at}/submit`, L.viewSubmit, 'plain');
    c.text(view.close, `${at}/close`, L.viewClose, 'plain');
    const blocks = Array.isArray(view.blocks) ? view.blocks : [];
    const input = blocks.findIndex((block) => isRec(block) && block.type === 'input');
    if (input !== -1 && view.submit === undefined) {
      c.fail('must define `submit` to use an `input` block in modals', `${at}/blocks/${input}/input`);
    }
  } else {
    c.fail(`unsupported type: ${String(view.type)}`, `${at}/type`);
  }
  c.string(view.private_metadata, `${at}/private_metadata`, L.privateMetadata);
  c.string(view.callback_id, `${at}/callback_id`, L.callbackId);
  c.string(view.external_id, `${at}/external_id`, L.externalId);
  checkBlocks(c, view.blocks, `${at}/blocks`, 'view');
  return c.issues;
}

/**
 * What Slack refuses in a view_submission's answer: a view it would show (`update`, `push`) is checked as
 * a view; `errors` must name only blocks of the submitted view (when known).
 */
export function responseActionIssues(answer: Record<string, unknown>, blockIds?: readonly string[]): Issues {
  if (answer.response_action === 'update' || answer.response_action === 'push')
    return viewIssues(answer.view);
  if (answer.response_action !== 'errors') return [];
  const c = new BlockKitChecker();
  if (!isRec(answer.errors)) c.fail('must provide an object', '/errors');
  else if (blockIds) {
    for (const id of Object.keys(answer.errors)) {
      if (!blockIds.includes(id)) c.fail(`no such block_id: ${id}`, '/errors');
    }
  }
  return c.issues;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
