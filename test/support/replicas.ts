import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type AppFixture, SETTINGS } from './app-driver.ts';
import type { Login } from './kaleyra-callbacks.ts';
import { startTestApp, type TestApp, uniqueTeamId } from './start-app.ts';

export type Replicas = {
  readonly a: TestApp;
  readonly b: TestApp;
  /** This test's workspace, configured with SETTINGS, with a callback login (`login`). */
  readonly team: string;
  readonly login: Login;
  /** A replica as a fixture of this test's workspace (for the drivers). */
  on(app: TestApp): AppFixture;
};

/**
 * Two replicas of the app on one Postgres for a describe block: B posts to A's fake Slack (and, with
 * `sharedKaleyra`, sends to A's fake Kaleyra), so one workspace looks the same whichever replica acts.
 * Before each test: a new workspace, configured, with a callback login; A's fakes cleared.
 */
export function useReplicas(pgUrl: string | undefined, options: { sharedKaleyra?: boolean } = {}): Replicas {
  let a: TestApp | undefined;
  let b: TestApp | undefined;
  let team = '';
  let login: Login | undefined;
  const running = (app: TestApp | undefined) => {
    if (!app) throw new Error('useReplicas: the replicas are not running');
    return app;
  };
  beforeAll(async () => {
    if (!pgUrl) return;
    a = await startTestApp({ kind: 'postgres', url: pgUrl });
    b = await startTestApp(
      { kind: 'postgres', url: pgUrl },
      { SLACK_API_URL: a.slack.url, ...(options.sharedKaleyra ? { KALEYRA_BASE_URL: a.kaleyra.url } : {}) },
    );
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });
  beforeEach(async () => {
    const first = running(a);
    team = uniqueTeamId();
    first.slack.clear();
    first.kaleyra.reset();
    await first.server.services.credentials.set(team, SETTINGS, 'UADMIN');
    login = await first.server.services.callbackCredentials.rotate(team, 'UADMIN');
  });
  return {
    get a() {
      return running(a);
    },
    get b() {
      return running(b);
    },
    get team() {
      return team;
    },
    get login() {
      if (!login) throw new Error('useReplicas: no login outside a test');
      return login;
    },
    on: (app) => ({ ...app, team }) as AppFixture,
  };
}
