import type { webApi } from '@slack/bolt';

/** Workspace admins and owners may change settings; checked with users.info every time, never cached. */
export async function isWorkspaceAdmin(client: webApi.WebClient, userId: string): Promise<boolean> {
  const result = await client.users.info({ user: userId });
  const user = result.user;
  return Boolean(user && (user.is_admin || user.is_owner || user.is_primary_owner));
}
