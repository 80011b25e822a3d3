/**
 * The workspace a verified Slack request acts for: the enterprise id for an org-wide install, else
 * the team id (for view submissions, the view's team). Never from private_metadata or user text.
 */
export function resolveWorkspaceId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const enterpriseInstall = b.is_enterprise_install === true || b.is_enterprise_install === 'true';
  const enterpriseId = typeof b.enterprise_id === 'string' ? b.enterprise_id : idOf(b.enterprise);
  if (enterpriseInstall && enterpriseId) return enterpriseId;
  if (typeof b.team_id === 'string' && b.team_id !== '') return b.team_id;
  const view = b.view as Record<string, unknown> | undefined;
  if (view && typeof view.team_id === 'string' && view.team_id !== '') return view.team_id;
  return idOf(b.team) ?? idOf((b.user as Record<string, unknown> | undefined)?.team_id);
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'object' && value !== null) {
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}
