import type { ConversationsSelect, InputBlock, KnownBlock, ModalView } from '@slack/types';
import {
  DEFAULT_STATUS_SPELLING,
  PARTIALLY_SHIPPED_ON_THE_WIRE,
  type StatusSpelling,
} from '../../domain/status-spelling.ts';
import {
  DEFAULT_LANGUAGE_CODE,
  DEFAULT_TEMPLATE_NAME,
  maskApiKey,
  PODS,
  type Pod,
  type WorkspaceCredentials,
  type WorkspaceSettingsField,
} from '../../domain/workspace-settings.ts';
import type { SettingsScope } from '../admin.ts';
import { CONFIG_FIELDS, CONFIG_MODAL_CALLBACK, type ConfigModalField } from '../ids.ts';
import { formatActor, formatSlackDate, type SlackMessage } from '../messages/mrkdwn.ts';
import { buildCallbackSettingsBlocks, type CallbackSettings } from './callback-settings.ts';
import { buildFieldErrors, labelledInputs, type ViewErrorsResponse } from './inputs.ts';

export const POD_LABELS: Record<Pod, string> = {
  in: 'India (IN)',
  sg: 'Singapore (SG)',
  eu: 'Europe (EU)',
  na: 'North America (NA)',
};

export const CONFIG_MODAL_MAX_LENGTHS = {
  sid: 64,
  apiKey: 256,
  businessNumber: 32,
  templateName: 512,
  languageCode: 16,
  wabaId: 25,
} as const;

const FIELD_LABELS: Record<ConfigModalField, string> = {
  sid: 'Kaleyra SID',
  apiKey: 'Kaleyra API key',
  pod: 'Kaleyra pod',
  businessNumber: 'WhatsApp business number',
  templateName: 'Default template name',
  languageCode: 'Default template language',
  wabaId: 'WhatsApp Business Account id',
  repliesChannel: 'Replies channel',
  statusSpelling: 'Status spelling',
};

const inputs = labelledInputs(CONFIG_FIELDS, FIELD_LABELS);

export type ConfigModalInput = {
  /** The saved settings, when there are some: prefill everything except the API key. */
  current?: WorkspaceCredentials;
  /** Whose settings these are: the workspace's, or an org-wide install's (every workspace of the org). */
  scope?: SettingsScope;
  /** Kaleyra's status callbacks for this workspace: shown under the settings. */
  callbacks?: CallbackSettings;
};

const SCOPE_WORDS: Record<SettingsScope, string> = {
  workspace: 'in this workspace',
  org: 'in every workspace of this Enterprise Grid org',
};

/**
 * The settings modal. The API key is write-only: it is never put in the view (views travel through
 * Slack and every admin's client), only its masked form in a hint.
 */
export function buildConfigModal(input: ConfigModalInput = {}): ModalView {
  const { current } = input;
  const where = SCOPE_WORDS[input.scope ?? 'workspace'];
  const blocks: KnownBlock[] = [];

  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: current
          ? `These settings are used for every \`/orderstatus\` send ${where}. Last changed by ${formatActor(current.updatedBy)} ${formatSlackDate(current.updatedAt)}.`
          : `These settings are used for every \`/orderstatus\` send ${where}. Find the SID and API key in Kaleyra under Developers → API keys.`,
      },
    ],
  });

  blocks.push(
    inputs.text('sid', {
      value: current?.sid,
      maxLength: CONFIG_MODAL_MAX_LENGTHS.sid,
      placeholder: 'HXIN1234567890IN',
      hint: 'Kaleyra → Developers → API keys. Letters and digits only.',
    }),
    inputs.text('apiKey', {
      // Never prefilled, whatever `current` holds.
      value: undefined,
      maxLength: CONFIG_MODAL_MAX_LENGTHS.apiKey,
      placeholder: current ? 'Leave blank to keep the saved key' : 'Paste the API key',
      hint: current
        ? `Leave blank to keep the saved key (${maskApiKey(current.apiKey)}). It is stored encrypted and never shown again.`
        : 'It is stored encrypted and never shown again, only masked.',
      optional: current !== undefined,
    }),
    podInput(current?.pod),
    inputs.text('businessNumber', {
      value: current?.businessNumber,
      maxLength: CONFIG_MODAL_MAX_LENGTHS.businessNumber,
      placeholder: '+918000000000',
      hint: 'The WhatsApp Business number on this Kaleyra account (the sender), with + and the country code.',
    }),
    inputs.text('templateName', {
      value: current?.templateName ?? DEFAULT_TEMPLATE_NAME,
      maxLength: CONFIG_MODAL_MAX_LENGTHS.templateName,
      placeholder: DEFAULT_TEMPLATE_NAME,
      hint: `The approved order-status template agents send by default. Blank means ${DEFAULT_TEMPLATE_NAME}.`,
      optional: true,
    }),
    inputs.text('languageCode', {
      value: current?.languageCode ?? DEFAULT_LANGUAGE_CODE,
      maxLength: CONFIG_MODAL_MAX_LENGTHS.languageCode,
      placeholder: DEFAULT_LANGUAGE_CODE,
      hint: `The template’s WhatsApp language code, e.g. en or en_US. Blank means ${DEFAULT_LANGUAGE_CODE}.`,
      optional: true,
    }),
    inputs.text('wabaId', {
      value: current?.wabaId,
      maxLength: CONFIG_MODAL_MAX_LENGTHS.wabaId,
      placeholder: '104996122399160',
      hint: 'Optional. With it, agents pick the template from Kaleyra’s approved utility templates instead of typing its name. Meta Business Suite → WhatsApp accounts.',
      optional: true,
    }),
    repliesChannelInput(current?.repliesChannel),
    statusSpellingInput(current?.statusSpelling),
  );
  if (input.callbacks) blocks.push(...buildCallbackSettingsBlocks(input.callbacks));

  return {
    type: 'modal',
    callback_id: CONFIG_MODAL_CALLBACK,
    title: { type: 'plain_text', text: 'Kaleyra settings' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** Field errors for the settings modal. */
export function buildConfigModalErrors(
  issues: Partial<Record<WorkspaceSettingsField, string>>,
): ViewErrorsResponse {
  return buildFieldErrors(CONFIG_FIELDS, issues);
}

/** Answer to `/orderstatus config` from someone who may not change these settings. */
export function buildNotAdminMessage(scope: SettingsScope = 'workspace'): SlackMessage {
  const text =
    scope === 'org'
      ? 'These Kaleyra settings belong to the whole Enterprise Grid org (orderstatus is installed org-wide), so only org admins and owners can change them; a workspace admin cannot. Ask an org admin or owner to run `/orderstatus config`.'
      : 'Only workspace admins and owners can change the Kaleyra settings. Ask one of them to run `/orderstatus config`.';
  return {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:lock: ${text}` } }],
  };
}

/**
 * Any channel the admin can see; the app posts in a public one without joining (chat:write.public), and
 * must be invited to a private one (the hint says so, and a refused post says so again).
 */
function repliesChannelInput(current: string | undefined): InputBlock {
  const element: ConversationsSelect = {
    type: 'conversations_select',
    action_id: CONFIG_FIELDS.repliesChannel.actionId,
    placeholder: { type: 'plain_text', text: 'Pick a channel' },
    filter: {
      include: ['public', 'private'],
      exclude_bot_users: true,
      exclude_external_shared_channels: true,
    },
  };
  if (current) element.initial_conversation = current;
  return {
    type: 'input',
    block_id: CONFIG_FIELDS.repliesChannel.blockId,
    label: { type: 'plain_text', text: FIELD_LABELS.repliesChannel },
    hint: {
      type: 'plain_text',
      text: 'Optional. Customers’ replies that no order’s thread can take (an unknown number, an archived channel, a send from the CLI) are posted here. For a private channel, invite the app first (/invite @Order Status).',
    },
    element,
    optional: true,
  };
}

function podInput(current: Pod | undefined): InputBlock {
  return inputs.select('pod', {
    placeholder: 'Where your Kaleyra account lives',
    choices: PODS.map((pod) => ({ value: pod, label: POD_LABELS[pod] })),
    initial: current,
    hint: 'The region of your Kaleyra account: api.in, api.ap (Singapore), api.eu or api.na.',
  });
}

/** How partially shipped goes on the wire; what people read stays `partially shipped` either way. */
function statusSpellingInput(current: StatusSpelling | undefined): InputBlock {
  const { kaleyra, meta } = PARTIALLY_SHIPPED_ON_THE_WIRE;
  return inputs.select('statusSpelling', {
    placeholder: 'How partially shipped is sent',
    choices: [
      { value: 'kaleyra', label: `${kaleyra} (Kaleyra’s spelling, the default)` },
      { value: 'meta', label: `${meta} (Meta’s spelling)` },
    ],
    initial: current ?? DEFAULT_STATUS_SPELLING,
    hint: `How a partially shipped update’s status is sent. Kaleyra’s page writes ${kaleyra}, Meta’s status table ${meta}: switch only if WhatsApp refuses partially shipped updates over a parameter. Agents and history read “partially shipped” either way.`,
  });
}
