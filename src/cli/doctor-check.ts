import type { Config, ServerConfig } from '../config.ts';
import type { Services } from '../services/open-services.ts';
import type { Env } from './command.ts';

/** One thing `orderstatus doctor` found: fine, worth a look, or to fix (with how). */
export type Finding = { status: 'ok' | 'warn' | 'fail'; subject: string; text: string; fix?: string };

/**
 * What the checks share. The configuration check fills in `config`, the database check `services`;
 * a check that needs one of them is skipped, with a line saying so, when an earlier check could not.
 */
export type DoctorContext = {
  env: Env;
  config?: Config;
  serverConfig?: ServerConfig;
  services?: Services;
};

export type DoctorCheck = {
  /** What the check looks at, for the line that says it was skipped. */
  subject: string;
  needs?: 'config' | 'services';
  run(context: DoctorContext): Promise<Finding[]>;
};

/** The configured workspaces and each one's last send (storage loaded only when a check runs). */
async function readWorkspaces(services: Services) {
  const { readLastSends } = await import('../storage/last-sends.ts');
  const [ids, lastSends] = await Promise.all([
    services.credentials.workspaceIds(),
    readLastSends(services.db),
  ]);
  return { ids, lastSends };
}

export type Workspaces = Awaited<ReturnType<typeof readWorkspaces>>;

/** A check over the configured workspaces, once the database check has opened the services. */
export function workspacesCheckOf(
  subject: string,
  check: (services: Services, workspaces: Workspaces) => Promise<Finding[]>,
): DoctorCheck {
  return {
    subject,
    needs: 'services',
    async run(context) {
      const services = context.services as Services;
      return check(services, await readWorkspaces(services));
    },
  };
}
