/** Slack's error code (`expired_trigger_id`, `not_in_channel`…) when the Web API answered one; otherwise a short reason. */
export function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  if (data && typeof data.error === 'string') return data.error.replace(/[^a-z0-9_]/gi, '').slice(0, 60);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown_error';
}
