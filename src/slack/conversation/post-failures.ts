// Slack's answers that mean this place will not take the message: the next place is tried.
const REFUSED_HERE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'ekm_access_denied',
  'cannot_reply_to_message',
  'thread_not_found',
  'message_not_found',
  'messages_tab_disabled',
  'user_not_found',
  'user_disabled',
  'channel_type_not_supported',
]);
// The workspace's token no longer works anywhere, or the message itself is what Slack refuses: no
// place and no retry would take it.
const NOWHERE = new Set([
  'no_token',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_authed',
  'team_not_found',
  'team_access_not_granted',
  'missing_scope',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
]);

/** What a failed post's code means: try the next place, no place will take it, or try again later. */
export function failureKindOf(code: string): 'refused' | 'nowhere' | 'transient' {
  if (REFUSED_HERE.has(code)) return 'refused';
  return NOWHERE.has(code) ? 'nowhere' : 'transient';
}
