/** The workspace has no Kaleyra credentials yet. */
export class NotConfiguredError extends Error {
  override name = 'NotConfiguredError' as const;
  readonly workspaceId: string;

  constructor(workspaceId: string) {
    super(`Workspace ${workspaceId} has no Kaleyra credentials`);
    this.workspaceId = workspaceId;
  }
}
