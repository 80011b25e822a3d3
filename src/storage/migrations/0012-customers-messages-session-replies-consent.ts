import type { Migration } from './migration.ts';

export const migration: Migration = {
  version: 12,
  name: 'customers’ messages, session replies, consent and account health',
  sql: [
    // `kind`: an order-status template or a session text (an agent's reply); `body`: a reply's words
    // (personal data: pruned with the row); `parent_id`: the order a reply answers; `first_reply_id`:
    // the customer's first message about an order (the one that mentions the agent who sent it).
    `ALTER TABLE send_journal
      ADD COLUMN IF NOT EXISTS kind TEXT NOT NULL DEFAULT 'order_status',
      ADD COLUMN IF NOT EXISTS body TEXT,
      ADD COLUMN IF NOT EXISTS parent_id TEXT,
      ADD COLUMN IF NOT EXISTS first_reply_id TEXT`,
    `CREATE INDEX IF NOT EXISTS send_journal_parent ON send_journal (parent_id) WHERE parent_id IS NOT NULL`,
    // WhatsApp's id of each send (statuses[].id), learnt from its status callbacks: a customer's reply
    // names it in context.id. Its own table, so recording it never touches the journal row's state.
    `CREATE TABLE IF NOT EXISTS send_wamids (
      workspace_id TEXT NOT NULL,
      wamid TEXT NOT NULL,
      attempt_id TEXT NOT NULL REFERENCES send_journal (id) ON DELETE CASCADE,
      PRIMARY KEY (workspace_id, wamid)
    )`,
    'CREATE INDEX IF NOT EXISTS send_wamids_attempt ON send_wamids (attempt_id)',
    `CREATE INDEX IF NOT EXISTS send_journal_message_workspace ON send_journal (workspace_id, message_id)
      WHERE message_id IS NOT NULL`,
    // A customer's message, once per WhatsApp id per workspace (Kaleyra retries), matched to the
    // order it is about, and where it was shown in Slack. The number is kept sealed (ENCRYPTION_KEY),
    // for the agent's reply; it is found by its keyed hash.
    `CREATE TABLE IF NOT EXISTS incoming_messages (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      message_id TEXT NOT NULL,
      customer_hash TEXT NOT NULL,
      customer_masked TEXT NOT NULL,
      customer_sealed TEXT NOT NULL,
      customer_name TEXT,
      business_number TEXT,
      type TEXT NOT NULL,
      text TEXT,
      details TEXT,
      sent_at TIMESTAMPTZ NOT NULL,
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      attempt_id TEXT,
      matched_by TEXT,
      keyword TEXT,
      post_state TEXT NOT NULL DEFAULT 'pending',
      post_lease_until TIMESTAMPTZ,
      post_tries INTEGER NOT NULL DEFAULT 0,
      post_note TEXT,
      slack_channel TEXT,
      slack_ts TEXT,
      slack_thread_ts TEXT,
      slack_permalink TEXT,
      UNIQUE (workspace_id, message_id)
    )`,
    `CREATE INDEX IF NOT EXISTS incoming_customer ON incoming_messages (workspace_id, customer_hash, sent_at DESC)`,
    `CREATE INDEX IF NOT EXISTS incoming_workspace ON incoming_messages (workspace_id, received_at DESC)`,
    `CREATE INDEX IF NOT EXISTS incoming_pending ON incoming_messages (received_at) WHERE post_state = 'pending'`,
    'CREATE INDEX IF NOT EXISTS incoming_received ON incoming_messages (received_at)',
    'CREATE INDEX IF NOT EXISTS incoming_attempt ON incoming_messages (attempt_id) WHERE attempt_id IS NOT NULL',
    // Customers who asked this workspace's business number to stop, by keyed hash (never the number).
    `CREATE TABLE IF NOT EXISTS opt_outs (
      workspace_id TEXT NOT NULL,
      business_number TEXT NOT NULL,
      customer_hash TEXT NOT NULL,
      customer_masked TEXT NOT NULL,
      since TIMESTAMPTZ NOT NULL DEFAULT now(),
      changed_by TEXT NOT NULL,
      reason TEXT NOT NULL,
      PRIMARY KEY (workspace_id, business_number, customer_hash)
    )`,
    // Every opt-out and opt-in, who made it, when and why.
    `CREATE TABLE IF NOT EXISTS opt_out_changes (
      id TEXT PRIMARY KEY,
      workspace_id TEXT NOT NULL,
      business_number TEXT NOT NULL,
      customer_hash TEXT NOT NULL,
      customer_masked TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('opt_out', 'opt_in')),
      changed_by TEXT NOT NULL,
      reason TEXT NOT NULL,
      changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
    'CREATE INDEX IF NOT EXISTS opt_out_changes_workspace ON opt_out_changes (workspace_id, changed_at DESC)',
    // Keywords an admin added to the standard ones (STOP, START…), per workspace.
    `CREATE TABLE IF NOT EXISTS consent_keywords (
      workspace_id TEXT NOT NULL,
      keyword TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('opt_out', 'opt_in')),
      added_by TEXT NOT NULL,
      added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, keyword)
    )`,
    // Meta's word on each template (from its events, or learnt from 132015/132016 send failures).
    `CREATE TABLE IF NOT EXISTS template_states (
      workspace_id TEXT NOT NULL,
      template_name TEXT NOT NULL,
      event TEXT NOT NULL,
      blocked BOOLEAN NOT NULL,
      reason TEXT,
      source TEXT NOT NULL,
      since TIMESTAMPTZ NOT NULL DEFAULT now(),
      announced_at TIMESTAMPTZ,
      PRIMARY KEY (workspace_id, template_name)
    )`,
    // The business number's quality rating and messaging limit, and an admin's deliberate override.
    `CREATE TABLE IF NOT EXISTS number_quality (
      workspace_id TEXT NOT NULL,
      business_number TEXT NOT NULL,
      event TEXT NOT NULL,
      flagged BOOLEAN NOT NULL,
      current_limit TEXT,
      since TIMESTAMPTZ NOT NULL DEFAULT now(),
      override_by TEXT,
      override_at TIMESTAMPTZ,
      announced_at TIMESTAMPTZ,
      PRIMARY KEY (workspace_id, business_number)
    )`,
    // A bulk job stopped by a paused template or a flagged number keeps its rows, resumable.
    `ALTER TABLE bulk_jobs
      ADD COLUMN IF NOT EXISTS paused_reason TEXT,
      ADD COLUMN IF NOT EXISTS paused_at TIMESTAMPTZ`,
  ],
};
