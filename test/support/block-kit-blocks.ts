import { BLOCK_KIT_LIMITS as L } from '../../src/slack/block-kit-limits.ts';
import { type BlockKitChecker, isRec } from './block-kit-check.ts';

/**
 * Blocks and elements, each by the fields its docs.slack.dev page lists. The kinds the product uses are
 * checked field by field; the other documented kinds are accepted with their ids checked; any other
 * `type` is refused as Slack refuses it (`unsupported type`).
 */

const OTHER_BLOCKS = [
  'image',
  'rich_text',
  'markdown',
  'file',
  'video',
  'table',
  'card',
  'carousel',
  'alert',
  'container',
  'context_actions',
  'plan',
  'task_card',
];
const OTHER_ELEMENTS = [
  'checkboxes',
  'radio_buttons',
  'overflow',
  'datepicker',
  'timepicker',
  'datetimepicker',
  'email_text_input',
  'url_text_input',
  'number_input',
  'rich_text_input',
  'workflow_button',
  'users_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
];
const SELECT_COMMON = ['type', 'action_id', 'placeholder', 'confirm', 'focus_on_load'];

export function checkBlocks(
  c: BlockKitChecker,
  value: unknown,
  at: string,
  surface: 'message' | 'view',
): void {
  const blocks = c.list(value, at, surface === 'message' ? L.messageBlocks : L.viewBlocks);
  blocks.forEach((block, index) => {
    checkBlock(c, block, `${at}/${index}`);
  });
  c.uniqueIds(blocks, at);
}

function checkBlock(c: BlockKitChecker, block: unknown, at: string): void {
  if (!isRec(block)) {
    c.fail('must provide an object', at);
    return;
  }
  c.string(block.block_id, `${at}/block_id`, { ...L.blockId, min: 1 });
  switch (block.type) {
    case 'section': {
      const fields = ['type', 'block_id', 'text', 'fields', 'accessory', 'expand'];
      if (!c.shape(block, at, fields, ['type'])) return;
      if (block.text === undefined && block.fields === undefined)
        c.fail('must define either `text` or `fields`', at);
      c.text(block.text, `${at}/text`, L.sectionText);
      c.list(block.fields, `${at}/fields`, L.sectionFields).forEach((field, i) => {
        c.text(field, `${at}/fields/${i}`, L.sectionFieldText);
      });
      if (block.accessory !== undefined) checkElement(c, block.accessory, `${at}/accessory`);
      return;
    }
    case 'divider':
      c.shape(block, at, ['type', 'block_id'], ['type']);
      return;
    case 'header':
      if (!c.shape(block, at, ['type', 'block_id', 'text', 'level'], ['type', 'text'])) return;
      c.text(block.text, `${at}/text`, L.headerText, 'plain');
      return;
    case 'context':
      if (!c.shape(block, at, ['type', 'block_id', 'elements'], ['type', 'elements'])) return;
      c.list(block.elements, `${at}/elements`, L.contextElements).forEach((element, i) => {
        if (isRec(element) && element.type === 'image') return;
        c.text(element, `${at}/elements/${i}`, L.contextText);
      });
      return;
    case 'actions': {
      if (!c.shape(block, at, ['type', 'block_id', 'elements'], ['type', 'elements'])) return;
      const elements = c.list(block.elements, `${at}/elements`, L.actionsElements);
      elements.forEach((element, i) => {
        checkElement(c, element, `${at}/elements/${i}`);
      });
      uniqueActionIds(c, elements, `${at}/elements`);
      return;
    }
    case 'input': {
      const fields = ['type', 'block_id', 'label', 'element', 'hint', 'optional', 'dispatch_action'];
      if (!c.shape(block, at, fields, ['type', 'label', 'element'])) return;
      c.text(block.label, `${at}/label`, L.inputLabel, 'plain');
      c.text(block.hint, `${at}/hint`, L.inputHint, 'plain');
      if (block.element !== undefined) checkElement(c, block.element, `${at}/element`);
      return;
    }
    default:
      if (!OTHER_BLOCKS.includes(block.type as string))
        c.fail(`unsupported type: ${String(block.type)}`, `${at}/type`);
  }
}

function uniqueActionIds(c: BlockKitChecker, elements: readonly unknown[], at: string): void {
  const seen = new Set<string>();
  elements.forEach((element, i) => {
    const id = isRec(element) ? element.action_id : undefined;
    if (typeof id !== 'string') return;
    if (seen.has(id)) c.fail(`duplicate action_id: ${id}`, `${at}/${i}/action_id`);
    seen.add(id);
  });
}

function checkElement(c: BlockKitChecker, element: unknown, at: string): void {
  if (!isRec(element)) {
    c.fail('must provide an object', at);
    return;
  }
  c.string(element.action_id, `${at}/action_id`, { ...L.actionId, min: 1 });
  c.text(element.placeholder, `${at}/placeholder`, L.placeholder, 'plain');
  if (element.confirm !== undefined) checkConfirm(c, element.confirm, `${at}/confirm`);
  switch (element.type) {
    case 'button': {
      const fields = ['type', 'action_id', 'text', 'value', 'url', 'style', 'confirm', 'accessibility_label'];
      if (!c.shape(element, at, fields, ['type', 'text'])) return;
      c.text(element.text, `${at}/text`, L.buttonText, 'plain');
      c.string(element.value, `${at}/value`, L.buttonValue);
      c.string(element.url, `${at}/url`, L.buttonUrl);
      c.string(element.accessibility_label, `${at}/accessibility_label`, L.accessibilityLabel);
      c.oneOf(element.style, `${at}/style`, ['primary', 'danger']);
      return;
    }
    case 'plain_text_input': {
      const fields = [...SELECT_COMMON, 'initial_value', 'multiline', 'min_length', 'max_length'];
      if (!c.shape(element, at, [...fields, 'dispatch_action_config'], ['type'])) return;
      c.integer(element.max_length, `${at}/max_length`, L.inputMaxLength);
      c.integer(element.min_length, `${at}/min_length`, L.inputMinLength);
      const max = typeof element.max_length === 'number' ? element.max_length : L.inputMaxLength.max;
      c.string(element.initial_value, `${at}/initial_value`, { max, what: 'initial_value', source: '' });
      return;
    }
    case 'static_select': {
      if (!c.shape(element, at, [...SELECT_COMMON, 'options', 'option_groups', 'initial_option'], ['type']))
        return;
      if ((element.options === undefined) === (element.option_groups === undefined)) {
        c.fail('must define exactly one of `options` or `option_groups`', at);
      }
      c.list(element.options, `${at}/options`, L.selectOptions).forEach((o, i) => {
        checkOption(c, o, `${at}/options/${i}`);
      });
      c.list(element.option_groups, `${at}/option_groups`, L.selectOptionGroups).forEach((g, i) => {
        checkOptionGroup(c, g, `${at}/option_groups/${i}`);
      });
      if (element.initial_option !== undefined)
        checkOption(c, element.initial_option, `${at}/initial_option`);
      return;
    }
    case 'external_select':
      if (!c.shape(element, at, [...SELECT_COMMON, 'initial_option', 'min_query_length'], ['type'])) return;
      if (element.initial_option !== undefined)
        checkOption(c, element.initial_option, `${at}/initial_option`);
      return;
    case 'conversations_select': {
      const fields = [
        'initial_conversation',
        'default_to_current_conversation',
        'response_url_enabled',
        'filter',
      ];
      c.shape(element, at, [...SELECT_COMMON, ...fields], ['type']);
      return;
    }
    case 'file_input':
      if (!c.shape(element, at, ['type', 'action_id', 'filetypes', 'max_files'], ['type'])) return;
      c.integer(element.max_files, `${at}/max_files`, L.fileInputFiles);
      // "An array of valid file extensions" (the element's page): no dot, no empty one.
      if (element.filetypes !== undefined) {
        const types = element.filetypes;
        if (!Array.isArray(types) || !types.every((t) => typeof t === 'string' && /^[a-z0-9]+$/i.test(t))) {
          c.fail('filetypes is not a list of extensions', `${at}/filetypes`);
        }
      }
      return;
    case 'image':
      return;
    default:
      if (!OTHER_ELEMENTS.includes(element.type as string)) {
        c.fail(`unsupported type: ${String(element.type)}`, `${at}/type`);
      }
  }
}

function checkOption(c: BlockKitChecker, option: unknown, at: string): void {
  if (!c.shape(option, at, ['text', 'value', 'description', 'url'], ['text', 'value'])) return;
  c.text(option.text, `${at}/text`, L.optionText, 'plain');
  c.string(option.value, `${at}/value`, { ...L.optionValue, min: 1 });
  c.text(option.description, `${at}/description`, L.optionDescription, 'plain');
}

function checkOptionGroup(c: BlockKitChecker, group: unknown, at: string): void {
  if (!c.shape(group, at, ['label', 'options'], ['label', 'options'])) return;
  c.text(group.label, `${at}/label`, L.optionGroupLabel, 'plain');
  c.list(group.options, `${at}/options`, L.optionGroupOptions).forEach((o, i) => {
    checkOption(c, o, `${at}/options/${i}`);
  });
}

function checkConfirm(c: BlockKitChecker, confirm: unknown, at: string): void {
  const fields = ['title', 'text', 'confirm', 'deny', 'style'];
  if (!c.shape(confirm, at, fields, ['title', 'text', 'confirm', 'deny'])) return;
  c.text(confirm.title, `${at}/title`, L.confirmTitle, 'plain');
  c.text(confirm.text, `${at}/text`, L.confirmText);
  c.text(confirm.confirm, `${at}/confirm`, L.confirmButton, 'plain');
  c.text(confirm.deny, `${at}/deny`, L.confirmButton, 'plain');
  c.oneOf(confirm.style, `${at}/style`, ['primary', 'danger']);
}
