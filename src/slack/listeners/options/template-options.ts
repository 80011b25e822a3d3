import type { AllMiddlewareArgs, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { WorkspaceCredentials } from '../../../domain/workspace-settings.ts';
import type { Logger } from '../../../logger.ts';
import type { TemplateChoices, TemplateChoicesService } from '../../../services/template-choices.ts';
import type { CredentialStore } from '../../../storage/credential-store.ts';
import { within } from '../../../within.ts';
import { buildTemplateOptions } from '../../views/template-picker.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

/**
 * Slack waits 3 s for the options, then shows the agent an error: what is not known by then is
 * answered with the workspace default alone (the templates client itself gives up after 2 s).
 */
export const OPTIONS_BUDGET_MS = 2_500;

/** The template picker's options: Kaleyra's approved templates, the workspace default first. */
export function createTemplateOptions(deps: {
  credentials: Pick<CredentialStore, 'get'>;
  templates: Pick<TemplateChoicesService, 'choicesFor'>;
  logger: Logger;
}) {
  return async ({ ack, body, context }: Args) => {
    const deadline = Date.now() + OPTIONS_BUDGET_MS;
    const workspaceId = workspaceOf(context);
    let settings: WorkspaceCredentials | undefined;
    try {
      settings = workspaceId ? await within(deps.credentials.get(workspaceId), OPTIONS_BUDGET_MS) : undefined;
    } catch (error) {
      deps.logger.warn({ err: error }, 'could not read the settings for the template picker');
    }
    if (!workspaceId || !settings) return ack({ options: [] });
    const late: TemplateChoices = {
      ok: false,
      default: { name: settings.templateName, languageCode: settings.languageCode },
      reason: 'TIMEOUT',
    };
    const choices = await within(deps.templates.choicesFor(workspaceId, settings), deadline - Date.now());
    await ack(buildTemplateOptions(choices ?? late, body.value ?? ''));
  };
}
