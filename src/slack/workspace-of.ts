import type { Context } from '@slack/bolt';

/**
 * The workspace a verified Slack request acts for, from Bolt's context (which reads the verified
 * payload and, in OAuth mode, the installation): the enterprise id for an org-wide install, else the
 * team id. Never from private_metadata, button values or user text.
 */
export function workspaceOf(context: Pick<Context, 'teamId' | 'enterpriseId' | 'isEnterpriseInstall'>) {
  if (context.isEnterpriseInstall && context.enterpriseId) return context.enterpriseId;
  return context.teamId || undefined;
}
