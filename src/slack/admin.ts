import type { Context, webApi } from '@slack/bolt';

/**
 * Whose settings a request changes: a workspace's, or (for an Enterprise Grid org-wide install,
 * where the settings are stored under the enterprise id) the whole org's.
 */
export type SettingsScope = 'workspace' | 'org';

/** The scope of the settings a verified request acts on, read like `workspaceOf` reads the id. */
export function settingsScopeOf(
  context: Pick<Context, 'enterpriseId' | 'isEnterpriseInstall'>,
): SettingsScope {
  return context.isEnterpriseInstall && context.enterpriseId ? 'org' : 'workspace';
}

/**
 * Workspace admins and owners may change a workspace's settings; an org-wide install's belong to
 * the org, so only org admins and owners (`enterprise_user`) may change those: a workspace admin of
 * one team must not change what every team in the org uses. Checked with users.info every time,
 * never cached.
 */
export async function canChangeSettings(
  client: webApi.WebClient,
  userId: string,
  scope: SettingsScope,
): Promise<boolean> {
  const { user } = await client.users.info({ user: userId });
  if (!user) return false;
  if (scope === 'org') {
    const org = user.enterprise_user;
    return Boolean(org && (org.is_admin || org.is_owner || org.is_primary_owner));
  }
  return Boolean(user.is_admin || user.is_owner || user.is_primary_owner);
}
