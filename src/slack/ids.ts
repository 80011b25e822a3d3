import { decodeTemplateOption } from './template-option.ts';

/**
 * Every callback_id, block_id and action_id the app uses. Listeners and builders both import these,
 * so a renamed id cannot leave a listener waiting for an interaction that never comes.
 */

export const SLASH_COMMAND = '/orderstatus';

export const SEND_MODAL_CALLBACK = 'orderstatus_send';
export const CONFIG_MODAL_CALLBACK = 'orderstatus_config';

/** Button under a "same update already went out" message: the agent deliberately sends it again. */
export const RESEND_ACTION = 'orderstatus_send_again';
/** Button under a retryable failure: the same update, sent again. */
export const RETRY_ACTION = 'orderstatus_retry';

export const RESULT_ACTIONS_BLOCK = 'orderstatus_result_actions';

/** Button in the settings modal: a new Kaleyra callback password, shown once to the admin who clicked. */
export const CALLBACK_PASSWORD_ACTION = 'orderstatus_callback_password';
export const CALLBACK_PASSWORD_VIEW = 'orderstatus_callback_password_view';

/** The message shortcut "Send order status" (slack-manifest.yml declares the same callback_id). */
export const SEND_FROM_MESSAGE_SHORTCUT = 'orderstatus_send_from_message';

/** App Home buttons: an order's whole history, and (admins only) the settings modal. */
export const HOME_HISTORY_ACTION = 'orderstatus_home_history';
export const HOME_SETTINGS_ACTION = 'orderstatus_home_settings';
export const HISTORY_VIEW = 'orderstatus_history_view';

/** `/orderstatus bulk`: the file modal, then the confirmation (its submit starts the job). */
export const BULK_MODAL_CALLBACK = 'orderstatus_bulk';
export const BULK_CONFIRM_CALLBACK = 'orderstatus_bulk_confirm';
/** Button on a bulk job's progress message: stops what has not been sent yet. */
export const BULK_CANCEL_ACTION = 'orderstatus_bulk_cancel';
export const BULK_ACTIONS_BLOCK = 'orderstatus_bulk_actions';

/**
 * Button on a customer's message in Slack: opens the reply modal. Its value is the stored message's id
 * (not secret: the handler reads it in the clicking workspace only, and the number stays sealed there).
 */
export const REPLY_ACTION = 'orderstatus_reply';
export const REPLY_MODAL_CALLBACK = 'orderstatus_reply_modal';
/**
 * Buttons on a customer's message: take its conversation (the value: the stored message's id and,
 * after `:`, the owner the clicker saw, if any) and resolve it (the message's id). Plain like the Reply
 * button's: read in the clicking workspace only, and a Slack user id is no secret in its thread.
 */
export const TAKE_ACTION = 'orderstatus_take';
export const RESOLVE_ACTION = 'orderstatus_resolve';
/** The reply modal's text input, and the file it may carry (the text then being its caption). */
export const REPLY_FIELDS = {
  text: { blockId: 'orderstatus_reply_text', actionId: 'text' },
  file: { blockId: 'orderstatus_reply_file', actionId: 'file' },
} as const satisfies Record<'text' | 'file', FieldIds>;
/** The Reply form's select of the workspace's saved replies (its options' values are the names). */
export const SAVED_REPLY_PICK = { blockId: 'orderstatus_reply_saved', actionId: 'saved_reply' } as const;

/** `/orderstatus replies` (admins): the saved replies, each with a Remove button, and the add form. */
export const SAVED_REPLIES_VIEW = 'orderstatus_saved_replies';
/** A saved reply's Remove button in that modal; its value is the reply's name. */
export const SAVED_REPLY_REMOVE_ACTION = 'orderstatus_saved_reply_remove';
export const SAVED_REPLY_FIELDS = {
  name: { blockId: 'orderstatus_saved_reply_name', actionId: 'name' },
  text: { blockId: 'orderstatus_saved_reply_text', actionId: 'text' },
} as const satisfies Record<'name' | 'text', FieldIds>;

/**
 * Button on the admins' "number flagged" announcement: resume bulk sends deliberately (admins only,
 * checked on click; journaled). Its value is not read: the workspace is the clicking one.
 */
export const QUALITY_RESUME_ACTION = 'orderstatus_quality_resume';

/** The Workflow Builder step (the function's callback_id in slack-manifest.yml). */
export const SEND_ORDER_STATUS_FUNCTION = 'send_order_status';

/** Where a field lives in a view: `state.values[blockId][actionId]`. */
export type FieldIds = { readonly blockId: string; readonly actionId: string };

export const SEND_FIELDS = {
  to: { blockId: 'orderstatus_to', actionId: 'to' },
  referenceId: { blockId: 'orderstatus_reference', actionId: 'reference_id' },
  status: { blockId: 'orderstatus_status', actionId: 'status' },
  description: { blockId: 'orderstatus_description', actionId: 'description' },
  templateName: { blockId: 'orderstatus_template', actionId: 'template_name' },
  languageCode: { blockId: 'orderstatus_language', actionId: 'language_code' },
} as const satisfies Record<string, FieldIds>;
export type SendModalField = keyof typeof SEND_FIELDS;

/**
 * The send modal's template picker (an external_select whose options Kaleyra's list supplies), in
 * place of the template name and language inputs: one pick sets both.
 */
export const TEMPLATE_PICK = { blockId: 'orderstatus_template_pick', actionId: 'template_pick' } as const;

export const CONFIG_FIELDS = {
  sid: { blockId: 'orderstatus_config_sid', actionId: 'sid' },
  apiKey: { blockId: 'orderstatus_config_api_key', actionId: 'api_key' },
  pod: { blockId: 'orderstatus_config_pod', actionId: 'pod' },
  businessNumber: { blockId: 'orderstatus_config_business_number', actionId: 'business_number' },
  templateName: { blockId: 'orderstatus_config_template', actionId: 'template_name' },
  languageCode: { blockId: 'orderstatus_config_language', actionId: 'language_code' },
  wabaId: { blockId: 'orderstatus_config_waba_id', actionId: 'waba_id' },
  repliesChannel: { blockId: 'orderstatus_config_replies_channel', actionId: 'replies_channel' },
  statusSpelling: { blockId: 'orderstatus_config_status_spelling', actionId: 'status_spelling' },
} as const satisfies Record<string, FieldIds>;
export type ConfigModalField = keyof typeof CONFIG_FIELDS;

export const BULK_FIELDS = {
  file: { blockId: 'orderstatus_bulk_file', actionId: 'file' },
  description: { blockId: 'orderstatus_bulk_description', actionId: 'description' },
} as const satisfies Record<'file' | 'description', FieldIds>;

/** What the agent entered in the send modal; a field left blank is absent. */
export type SendModalValues = Partial<Record<SendModalField, string>>;
/** What the admin entered in the settings modal; a field left blank (e.g. the API key) is absent. */
export type ConfigModalValues = Partial<Record<ConfigModalField, string>>;

/**
 * Reads a submitted send modal (`body.view` of a view_submission) into plain strings.
 * Never throws: a missing or malformed state reads as blank fields, which validation then names.
 */
export function readSendModalValues(view: unknown): SendModalValues {
  const values = readFields(view, SEND_FIELDS);
  const picked = readTemplatePick(view);
  if (picked === undefined) return values;
  // A value that is not one of our options is kept whole as the name, so validation says what is wrong.
  const pick = decodeTemplateOption(picked) ?? { templateName: picked, languageCode: undefined };
  values.templateName = pick.templateName;
  if (pick.languageCode === undefined) delete values.languageCode;
  else values.languageCode = pick.languageCode;
  return values;
}

/** The picked option's value, when the send modal was submitted with the template picker. */
export function readTemplatePick(view: unknown): string | undefined {
  const values = ownProperty(ownProperty(view, 'state'), 'values');
  return readElementValue(ownProperty(ownProperty(values, TEMPLATE_PICK.blockId), TEMPLATE_PICK.actionId));
}

/** The reply typed in a submitted reply modal, as typed (validation trims and checks it); never throws. */
export function readReplyModalText(view: unknown): string | undefined {
  return readFields(view, REPLY_FIELDS).text;
}

/** The saved reply picked in a submitted reply modal (its name), if any; never throws. */
export function readSavedReplyPick(view: unknown): string | undefined {
  return readFields(view, { pick: SAVED_REPLY_PICK }).pick;
}

/** The name and text typed in the admins' saved-replies form, as typed; never throws. */
export function readSavedReplyForm(view: unknown): { name?: string; text?: string } {
  return readFields(view, SAVED_REPLY_FIELDS);
}

/** Reads a submitted settings modal (`body.view`); never throws, like readSendModalValues. */
export function readConfigModalValues(view: unknown): ConfigModalValues {
  return readFields(view, CONFIG_FIELDS);
}

/** The bulk modal: the uploaded file (its id and name) and the default description, if given. */
export function readBulkModalValues(view: unknown): {
  file?: { id: string; name: string };
  description?: string;
} {
  const values = ownProperty(ownProperty(view, 'state'), 'values');
  const { file, description } = BULK_FIELDS;
  const files = ownProperty(ownProperty(ownProperty(values, file.blockId), file.actionId), 'files');
  const first: unknown = Array.isArray(files) ? files[0] : undefined;
  const id = ownProperty(first, 'id');
  const name = ownProperty(first, 'name');
  const text = readElementValue(ownProperty(ownProperty(values, description.blockId), description.actionId));
  return {
    ...(typeof id === 'string' && id !== ''
      ? { file: { id, name: typeof name === 'string' ? name : 'file.csv' } }
      : {}),
    ...(text !== undefined ? { description: text } : {}),
  };
}

function readFields<F extends string>(
  view: unknown,
  fields: Record<F, FieldIds>,
): Partial<Record<F, string>> {
  const values = ownProperty(ownProperty(view, 'state'), 'values');
  const out: Partial<Record<F, string>> = {};
  for (const field of Object.keys(fields) as F[]) {
    const ids = fields[field];
    const value = readElementValue(ownProperty(ownProperty(values, ids.blockId), ids.actionId));
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/**
 * A plain_text_input carries `value`; a static_select carries `selected_option.value`; a
 * conversations_select carries `selected_conversation`.
 */
function readElementValue(element: unknown): string | undefined {
  const typed = ownProperty(element, 'value');
  const selected = ownProperty(ownProperty(element, 'selected_option'), 'value');
  const conversation = ownProperty(element, 'selected_conversation');
  const raw = typeof typed === 'string' ? typed : typeof selected === 'string' ? selected : conversation;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  return raw;
}

// Own properties only: a payload key such as `__proto__` or `constructor` must not reach Object.prototype.
function ownProperty(source: unknown, key: string): unknown {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return undefined;
  return Object.hasOwn(source, key) ? (source as Record<string, unknown>)[key] : undefined;
}
