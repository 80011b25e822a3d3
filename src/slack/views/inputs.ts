import type { InputBlock, PlainTextInput, PlainTextOption, StaticSelect } from '@slack/types';
import { SLACK_LIMITS } from '../block-kit-limits.ts';
import type { FieldIds } from '../ids.ts';
import { truncate } from '../messages/mrkdwn.ts';

export type TextInputOptions = {
  ids: FieldIds;
  label: string;
  /** Prefill; left out when empty or longer than maxLength (Slack refuses the whole view then). */
  value: string | undefined;
  maxLength: number;
  placeholder: string;
  hint: string;
  optional?: boolean;
  /** Several lines (a reply); single-line when absent. */
  multiline?: boolean;
};

// Labels, hints and placeholders may carry outside words (why Kaleyra listed no templates): cut to Slack's figures.
const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: truncate(text, max) });

/** A text input block, the shape every modal uses. */
export function buildTextInput(options: TextInputOptions): InputBlock {
  const element: PlainTextInput = {
    type: 'plain_text_input',
    action_id: options.ids.actionId,
    max_length: options.maxLength,
    placeholder: plain(options.placeholder, SLACK_LIMITS.placeholder),
    ...(options.multiline ? { multiline: true } : {}),
  };
  const value = options.value?.trim();
  if (value && value.length <= options.maxLength) element.initial_value = value;
  const block: InputBlock = {
    type: 'input',
    block_id: options.ids.blockId,
    label: plain(options.label, SLACK_LIMITS.inputLabel),
    hint: plain(options.hint, SLACK_LIMITS.inputHint),
    element,
  };
  if (options.optional) block.optional = true;
  return block;
}

export type SelectInputOptions<T extends string> = {
  ids: FieldIds;
  label: string;
  placeholder: string;
  choices: ReadonlyArray<{ value: T; label: string }>;
  initial?: string | undefined;
  hint?: string;
};

/** A static select of a fixed list, preselecting `initial` when it is one of the options. */
export function buildSelectInput<T extends string>(options: SelectInputOptions<T>): InputBlock {
  const toOption = (choice: { value: T; label: string }): PlainTextOption => ({
    text: { type: 'plain_text', text: choice.label },
    value: choice.value,
  });
  const element: StaticSelect = {
    type: 'static_select',
    action_id: options.ids.actionId,
    placeholder: plain(options.placeholder, SLACK_LIMITS.placeholder),
    options: options.choices.map(toOption),
  };
  const selected = options.choices.find((choice) => choice.value === options.initial);
  if (selected) element.initial_option = toOption(selected);
  const block: InputBlock = {
    type: 'input',
    block_id: options.ids.blockId,
    label: plain(options.label, SLACK_LIMITS.inputLabel),
    element,
  };
  if (options.hint) block.hint = plain(options.hint, SLACK_LIMITS.inputHint);
  return block;
}

/** A modal's inputs by field name: each takes its ids and its label from the modal's own tables. */
export function labelledInputs<F extends string>(fields: Record<F, FieldIds>, labels: Record<F, string>) {
  const named = (field: F) => ({ ids: fields[field], label: labels[field] });
  return {
    text: (field: F, options: Omit<TextInputOptions, 'ids' | 'label'>): InputBlock =>
      buildTextInput({ ...named(field), ...options }),
    select: <T extends string>(field: F, options: Omit<SelectInputOptions<T>, 'ids' | 'label'>): InputBlock =>
      buildSelectInput({ ...named(field), ...options }),
  };
}

/** Slack shows a field error under its input; longer ones are cut off in the client. */
export const FIELD_ERROR_MAX = 150;

export type ViewErrorsResponse = { response_action: 'errors'; errors: Record<string, string> };

/**
 * The `response_action: errors` answer to a view_submission: each message under its own input.
 * Fields the modal does not have are dropped, since Slack rejects the whole answer for an unknown block_id.
 */
export function buildFieldErrors<F extends string>(
  fields: Record<F, FieldIds>,
  issues: Partial<Record<string, string>>,
): ViewErrorsResponse {
  const errors: Record<string, string> = {};
  for (const field of Object.keys(fields) as F[]) {
    const message = issues[field];
    if (typeof message === 'string' && message.trim() !== '') {
      errors[fields[field].blockId] = truncate(message.trim(), FIELD_ERROR_MAX);
    }
  }
  return { response_action: 'errors', errors };
}
