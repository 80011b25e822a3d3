import type { ModalView } from '@slack/types';
import { describeError } from '../describe/describe-error.ts';
import { describeNoTemplateList } from '../describe/describe-template-list.ts';
import type { FieldIssues } from '../domain/order-status.ts';
import type { CommandFields } from '../domain/parse-command.ts';
import {
  DEFAULT_LANGUAGE_CODE,
  DEFAULT_TEMPLATE_NAME,
  type WorkspaceCredentials,
} from '../domain/workspace-settings.ts';
import { NotConfiguredError } from '../errors/not-configured-error.ts';
import { StorageError } from '../errors/storage-error.ts';
import type { TemplateChoices, TemplateChoicesService } from '../services/template-choices.ts';
import type { CredentialStore } from '../storage/credential-store.ts';
import { within } from '../within.ts';
import {
  type ModalDeps,
  type ModalOpener,
  openModalOrTell,
  replaceModal,
} from './listeners/commands/open-modal.ts';
import { buildErrorNotice } from './messages/notices.ts';
import { SLACK_SURFACE } from './messages/slack-surface.ts';
import { buildNoticeView } from './views/notice-view.ts';
import { buildSendModal, type SendModalInput, type TemplateField } from './views/send-modal.ts';

/**
 * How long the form waits for the workspace's settings before opening (they are usually in memory):
 * the trigger_id lives 3 s, and opening must leave room for Slack's own round trip. Worth waiting for:
 * Slack keeps what an input first showed across views.update unless its block changes, so the
 * workspace's defaults and the numbers read with its country are best in the view that opens.
 */
export const SETTINGS_WAIT_MS = 1_000;
const TITLE = 'Order status update';
const BUILT_IN = { templateName: DEFAULT_TEMPLATE_NAME, languageCode: DEFAULT_LANGUAGE_CODE };

export type SendFormDeps = ModalDeps & {
  credentials: Pick<CredentialStore, 'get'>;
  templates: Pick<TemplateChoicesService, 'choicesFor' | 'peek'>;
};

export type SendForm = {
  opener: ModalOpener;
  workspaceId: string;
  /** What to use again if the form cannot be opened ("`/orderstatus`", the shortcut). */
  again: string;
  /** What to prefill; given the settings when they could be read (their business number reads national numbers). */
  fields: (settings: WorkspaceCredentials | undefined) => CommandFields;
  issues?: FieldIssues;
  channelId: string;
  responseUrl?: string;
  fromMessage?: (fields: CommandFields) => NonNullable<SendModalInput['fromMessage']>;
  /** Shown at the top of the form (mrkdwn, escaped): why it opened. */
  notice?: string;
  /** The thread the outcome goes in, when not opened from a message. */
  threadTs?: string;
};

type Settings = { ok: true; settings: WorkspaceCredentials | undefined } | { ok: false; error: StorageError };

/**
 * Opens the send form with the workspace's defaults and its template field: a picker of Kaleyra's
 * approved templates when the workspace has a WABA id, else a typed name. The picker is offered at
 * once; if the list then cannot be had, the field turns into a typed name with a hint saying why.
 * Settings that are slow or unreadable do not hold the form: it opens with the built-in defaults
 * and then says why it cannot be used.
 */
export async function openSendForm(deps: SendFormDeps, form: SendForm): Promise<void> {
  const reading = readSettings(deps.credentials, form.workspaceId);
  const early = await within(reading, SETTINGS_WAIT_MS);
  const what = { what: 'the form', again: form.again };
  if (early?.ok && early.settings) {
    const { settings } = early;
    const known = deps.templates.peek(form.workspaceId, settings);
    const field: TemplateField = known
      ? templateFieldOf(known)
      : { kind: 'pick', default: { name: settings.templateName, languageCode: settings.languageCode } };
    const opened = await openModalOrTell(deps, form.opener, what, viewOf(form, settings, field));
    if (!opened || known) return;
    const choices = await deps.templates.choicesFor(form.workspaceId, settings);
    if (!choices.ok)
      await replaceModal(form.opener.client, opened, viewOf(form, settings, templateFieldOf(choices)));
    return;
  }
  const opened = await openModalOrTell(deps, form.opener, what, viewOf(form, undefined, { kind: 'type' }));
  if (!opened) return;
  const settled = early ?? (await reading);
  const next = await workspaceView(deps, form, settled);
  await replaceModal(form.opener.client, opened, next);
}

/** What the form shows once the settings are known: the form itself, or why it cannot be used. */
async function workspaceView(deps: SendFormDeps, form: SendForm, settled: Settings): Promise<ModalView> {
  if (!settled.ok)
    return buildNoticeView(TITLE, buildErrorNotice(describeError(settled.error, SLACK_SURFACE)));
  if (!settled.settings) {
    const notConfigured = describeError(new NotConfiguredError(form.workspaceId), SLACK_SURFACE);
    return buildNoticeView(TITLE, buildErrorNotice(notConfigured));
  }
  const choices = await deps.templates.choicesFor(form.workspaceId, settled.settings);
  return viewOf(form, settled.settings, templateFieldOf(choices));
}

function viewOf(form: SendForm, settings: WorkspaceCredentials | undefined, template: TemplateField) {
  const fields = form.fields(settings);
  return buildSendModal({
    fields,
    defaults: settings
      ? { templateName: settings.templateName, languageCode: settings.languageCode }
      : BUILT_IN,
    channelId: form.channelId,
    ...(form.responseUrl ? { responseUrl: form.responseUrl } : {}),
    ...(form.issues ? { issues: form.issues } : {}),
    ...(form.fromMessage ? { fromMessage: form.fromMessage(fields) } : {}),
    ...(form.notice ? { notice: form.notice } : {}),
    ...(form.threadTs ? { threadTs: form.threadTs } : {}),
    template,
  });
}

function templateFieldOf(choices: TemplateChoices): TemplateField {
  return choices.ok
    ? { kind: 'pick', default: choices.default }
    : { kind: 'type', why: describeNoTemplateList(choices.reason) };
}

function readSettings(credentials: Pick<CredentialStore, 'get'>, workspaceId: string): Promise<Settings> {
  return credentials.get(workspaceId).then(
    (settings): Settings => ({ ok: true, settings }),
    (error: unknown): Settings => {
      if (error instanceof StorageError) return { ok: false, error };
      throw error;
    },
  );
}
