const SLACK_USER_ID = /^[UW][A-Z0-9]{1,30}$/;

/** A Slack user's id (`U…`, `W…` on Enterprise Grid), not `cli`, `workflow`, `customer` or other text. */
export function isSlackUserId(text: string): boolean {
  return SLACK_USER_ID.test(text);
}
