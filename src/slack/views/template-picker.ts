import type { ExternalSelect, InputBlock, PlainTextOption } from '@slack/types';
import type { OrderTemplate } from '../../kaleyra/templates-client.ts';
import type { TemplateChoices } from '../../services/template-choices.ts';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import { TEMPLATE_PICK } from '../ids.ts';
import { truncate } from '../messages/mrkdwn.ts';
import { encodeTemplateOption } from '../template-option.ts';

/** Slack shows at most this many options in one answer to an options request. */
export const MAX_OPTIONS = 100;
const OPTION_TEXT_MAX = SLACK_LIMITS.optionText;
const DEFAULT_MARK = ' · default';

export type TemplateOptions = { options: PlainTextOption[] };

/**
 * The template field as a picker: an external_select whose options come from Kaleyra's list
 * (app.options), starting on the workspace default, so a form sent untouched uses the default.
 */
export function buildTemplatePickInput(defaultTemplate: OrderTemplate): InputBlock {
  const element: ExternalSelect = {
    type: 'external_select',
    action_id: TEMPLATE_PICK.actionId,
    placeholder: { type: 'plain_text', text: 'Choose an approved template' },
    min_query_length: 0,
  };
  const initial = buildTemplateOption(defaultTemplate, true);
  if (initial) element.initial_option = initial;
  return {
    type: 'input',
    block_id: TEMPLATE_PICK.blockId,
    label: { type: 'plain_text', text: 'Template' },
    hint: {
      type: 'plain_text',
      text: 'Kaleyra’s approved utility templates for this WhatsApp Business Account; a pick sets the language too. Type to filter.',
    },
    optional: true,
    element,
  };
}

/**
 * The answer to an options request: the workspace default first, then Kaleyra's templates, those
 * whose name or language contains `query` (any case), at most MAX_OPTIONS. Without a list, the default
 * alone: the send never depends on the list.
 */
export function buildTemplateOptions(choices: TemplateChoices, query: string): TemplateOptions {
  const wanted = query.trim().toLowerCase();
  const listed = choices.ok ? choices.templates : [choices.default];
  const options: PlainTextOption[] = [];
  for (const template of listed) {
    if (options.length === MAX_OPTIONS) break;
    const matches =
      wanted === '' ||
      template.name.toLowerCase().includes(wanted) ||
      template.languageCode.toLowerCase().includes(wanted);
    const option = matches ? buildTemplateOption(template, template === choices.default) : undefined;
    if (option) options.push(option);
  }
  return { options };
}

/** `order_status (en_US) · default`, cut to Slack's 75 characters at the name; undefined when its value cannot fit. */
export function buildTemplateOption(
  template: OrderTemplate,
  isDefault: boolean,
): PlainTextOption | undefined {
  const value = encodeTemplateOption({ templateName: template.name, languageCode: template.languageCode });
  if (value === undefined) return undefined;
  // The name gives way first; a language code too long to leave room for it is cut as well.
  const tail = ` (${template.languageCode})${isDefault ? DEFAULT_MARK : ''}`;
  const name = truncate(template.name, Math.max(1, OPTION_TEXT_MAX - tail.length));
  return { text: { type: 'plain_text', text: truncate(`${name}${tail}`, OPTION_TEXT_MAX) }, value };
}
