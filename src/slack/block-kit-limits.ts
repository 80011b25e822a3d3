import { MEGABYTE } from '../domain/media-rules.ts';

/**
 * Slack's documented limits on what an app may send, written once: the builders cut to these figures and
 * the test stand-in refuses anything over them, as Slack refuses the whole message (`invalid_blocks`) or
 * view (`invalid_arguments`). Lengths count UTF-16 units of the text as sent: mrkdwn after escaping
 * `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`. Each row names the docs.slack.dev page it comes from; the same
 * figures are in Slack's SDKs (python-slack-sdk `slack_sdk/models`, `@slack/types`).
 */

const DOCS = 'https://docs.slack.dev/reference';
const BLOCKS = `${DOCS}/block-kit/blocks`;
const ELEMENTS = `${DOCS}/block-kit/block-elements`;
const OBJECTS = `${DOCS}/block-kit/composition-objects`;

export type SlackLimit = {
  /** The largest length or count Slack accepts. */
  max: number;
  /** The smallest, where Slack documents one (a text object's 1 character, an input's max_length of 1). */
  min?: number;
  what: string;
  source: string;
};

export const BLOCK_KIT_LIMITS = {
  messageBlocks: { max: 50, what: 'blocks in a message', source: BLOCKS },
  viewBlocks: { max: 100, what: 'blocks in a modal or Home tab', source: `${DOCS}/views/modal-views` },
  messageText: {
    max: 40_000,
    what: 'a message’s top-level `text` (longer is truncated, not refused)',
    source: `${DOCS}/methods/chat.postMessage`,
  },
  textObject: { max: 3000, min: 1, what: 'a text object’s `text`', source: `${OBJECTS}/text-object` },
  blockId: {
    max: 255,
    what: 'a `block_id` (unique within a message or view)',
    source: `${BLOCKS}/section-block`,
  },
  actionId: {
    max: 255,
    what: 'an `action_id` (unique within its block)',
    source: `${ELEMENTS}/button-element`,
  },
  sectionText: { max: 3000, min: 1, what: 'a section’s `text`', source: `${BLOCKS}/section-block` },
  sectionFields: { max: 10, what: 'a section’s `fields`', source: `${BLOCKS}/section-block` },
  sectionFieldText: { max: 2000, what: 'the text of each section field', source: `${BLOCKS}/section-block` },
  headerText: { max: 150, what: 'a header’s plain text', source: `${BLOCKS}/header-block` },
  contextElements: { max: 10, what: 'elements in a context block', source: `${BLOCKS}/context-block` },
  contextText: {
    max: 3000,
    what: 'a context element’s text (a text object)',
    source: `${OBJECTS}/text-object`,
  },
  actionsElements: { max: 25, what: 'elements in an actions block', source: `${BLOCKS}/actions-block` },
  inputLabel: { max: 2000, what: 'an input block’s label', source: `${BLOCKS}/input-block` },
  inputHint: { max: 2000, what: 'an input block’s hint', source: `${BLOCKS}/input-block` },
  buttonText: { max: 75, what: 'a button’s text', source: `${ELEMENTS}/button-element` },
  buttonValue: { max: 2000, what: 'a button’s `value`', source: `${ELEMENTS}/button-element` },
  buttonUrl: { max: 3000, what: 'a button’s `url`', source: `${ELEMENTS}/button-element` },
  accessibilityLabel: {
    max: 75,
    what: 'a button’s accessibility_label',
    source: `${ELEMENTS}/button-element`,
  },
  inputMaxLength: {
    max: 3000,
    min: 1,
    what: 'a plain_text_input’s `max_length`',
    source: `${ELEMENTS}/plain-text-input-element`,
  },
  inputMinLength: {
    max: 3000,
    min: 0,
    what: 'a plain_text_input’s `min_length`',
    source: `${ELEMENTS}/plain-text-input-element`,
  },
  placeholder: {
    max: 150,
    what: 'an input element’s placeholder',
    source: `${ELEMENTS}/plain-text-input-element`,
  },
  selectOptions: { max: 100, what: 'options in a select menu', source: `${ELEMENTS}/select-menu-element` },
  selectOptionGroups: {
    max: 100,
    what: 'option groups in a select menu',
    source: `${ELEMENTS}/select-menu-element`,
  },
  optionText: { max: 75, what: 'an option’s text', source: `${OBJECTS}/option-object` },
  optionValue: { max: 150, what: 'an option’s `value`', source: `${OBJECTS}/option-object` },
  optionDescription: { max: 75, what: 'an option’s description', source: `${OBJECTS}/option-object` },
  optionGroupLabel: { max: 75, what: 'an option group’s label', source: `${OBJECTS}/option-group-object` },
  optionGroupOptions: {
    max: 100,
    what: 'options in an option group',
    source: `${OBJECTS}/option-group-object`,
  },
  confirmTitle: {
    max: 100,
    what: 'a confirm dialog’s title',
    source: `${OBJECTS}/confirmation-dialog-object`,
  },
  confirmText: { max: 300, what: 'a confirm dialog’s text', source: `${OBJECTS}/confirmation-dialog-object` },
  confirmButton: {
    max: 30,
    what: 'a confirm dialog’s confirm and deny texts',
    source: `${OBJECTS}/confirmation-dialog-object`,
  },
  fileInputFiles: {
    max: 10,
    min: 1,
    what: 'a file_input’s `max_files`',
    source: `${ELEMENTS}/file-input-element`,
  },
  fileInputBytes: {
    // The page says "a 10MB file size limit"; read as a million bytes a megabyte, the stricter reading.
    max: 10 * MEGABYTE,
    what: 'the size of a file uploaded through a file_input, in bytes',
    source: `${ELEMENTS}/file-input-element`,
  },
  viewTitle: { max: 24, min: 1, what: 'a modal’s title', source: `${DOCS}/views/modal-views` },
  viewSubmit: { max: 24, what: 'a modal’s submit text', source: `${DOCS}/views/modal-views` },
  viewClose: { max: 24, what: 'a modal’s close text', source: `${DOCS}/views/modal-views` },
  privateMetadata: { max: 3000, what: 'a view’s private_metadata', source: `${DOCS}/views/modal-views` },
  callbackId: { max: 255, what: 'a view’s callback_id', source: `${DOCS}/views/modal-views` },
  externalId: { max: 255, what: 'a view’s external_id', source: `${DOCS}/methods/views.open` },
} as const satisfies Record<string, SlackLimit>;

export type BlockKitLimit = keyof typeof BLOCK_KIT_LIMITS;

/** The same table as plain figures, for builders: `SLACK_LIMITS.sectionText` is 3000. */
export const SLACK_LIMITS = Object.fromEntries(
  Object.entries(BLOCK_KIT_LIMITS).map(([name, limit]) => [name, limit.max]),
) as { readonly [K in BlockKitLimit]: (typeof BLOCK_KIT_LIMITS)[K]['max'] };
