import type { Authorize, InstallationStore } from '@slack/bolt';
import { InstallProvider, type InstallURLOptions } from '@slack/oauth';
import type { Route } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import { toBoltLogger } from './bolt-logger.ts';

/** The bot scopes an OAuth install asks for: the same as slack-manifest.yml's (a test keeps them equal). */
export const OAUTH_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'files:read',
  'files:write',
];
export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

export type OAuthSettings = {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  installationStore: InstallationStore;
  /** The code exchange (oauth.v2.access) goes to the same Slack API base as everything else. */
  apiUrl: string;
  logger: Logger;
};

/**
 * Multi-workspace installs through Slack's own InstallProvider (the one Bolt's HTTPReceiver wraps),
 * with its two paths served by the process's router and its `authorize` handed to Bolt.
 */
export function createOAuth(settings: OAuthSettings): { authorize: Authorize<boolean>; routes: Route[] } {
  const { logger } = settings;
  const installer = new InstallProvider({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    stateSecret: settings.stateSecret,
    installationStore: settings.installationStore,
    logger: toBoltLogger(logger),
    directInstall: true,
    clientOptions: { slackApiUrl: settings.apiUrl },
  });
  const installUrlOptions: InstallURLOptions = { scopes: OAUTH_SCOPES };
  const logFailure = (what: string) => (error: unknown) =>
    logger.error({ err: error }, `the OAuth ${what} failed unexpectedly`);
  return {
    authorize: (source) => installer.authorize(source),
    routes: [
      {
        method: 'GET',
        path: INSTALL_PATH,
        handle: (req, res) =>
          installer.handleInstallPath(req, res, {}, installUrlOptions).catch(logFailure('install page')),
      },
      {
        method: 'GET',
        path: REDIRECT_PATH,
        handle: (req, res) => installer.handleCallback(req, res, {}).catch(logFailure('redirect')),
      },
    ],
  };
}
