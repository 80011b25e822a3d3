import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { callbackUrl } from '../../../domain/callback-url.ts';
import type { Logger } from '../../../logger.ts';
import type { AppHome, HomeData } from '../../../services/app-home.ts';
import { canChangeSettings, settingsScopeOf } from '../../admin.ts';
import { slackErrorCode } from '../../slack-error-code.ts';
import { buildAppHome } from '../../views/app-home.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/**
 * Slack shows the Home tab as it was last published, so it is published on every open; what is not
 * read by this time is shown as unavailable rather than holding the tab (the publish itself follows).
 */
export const HOME_BUDGET_MS = 2_000;

/** The Home tab, fresh on every open; the admin part only for admins, checked every time. */
export function createAppHomeOpened(deps: {
  appHome: Pick<AppHome, 'load'>;
  publicUrl: string | undefined;
  logger: Logger;
}) {
  return async ({ event, client, context }: Args) => {
    if (event.tab !== 'home') return;
    const workspaceId = workspaceOf(context);
    if (!workspaceId) return;
    const userId = event.user;
    const scope = settingsScopeOf(context);
    const data = await deps.appHome.load({
      workspaceId,
      userId,
      isAdmin: () => canChangeSettings(client, userId, scope),
      budgetMs: HOME_BUDGET_MS,
    });
    logMissingParts(deps.logger, data);
    const view = buildAppHome({
      workspaceId,
      data,
      callbacks: { url: callbackUrl(deps.publicUrl), publicUrlSet: deps.publicUrl !== undefined },
    });
    try {
      await client.views.publish({ user_id: userId, view });
    } catch (error) {
      deps.logger.warn({ reason: slackErrorCode(error) }, 'could not publish the App Home');
    }
  };
}

function logMissingParts(logger: Logger, data: HomeData): void {
  const parts = {
    settings: data.settings,
    recent: data.recent,
    ...(typeof data.admin === 'object' ? data.admin : {}),
  };
  const missing = Object.entries(parts).filter(([, part]) => !part.ok);
  if (data.admin === 'unknown') missing.push(['role', { ok: false }]);
  if (missing.length === 0) return;
  logger.warn(
    {
      missing: missing.map(([name]) => name),
      err: missing.map(([, part]) => (part.ok ? undefined : part.error)).find((error) => error !== undefined),
    },
    'the App Home was published without some parts',
  );
}
