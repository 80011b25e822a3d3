import pg from 'pg';
import { StorageError } from '../errors/storage-error.ts';
import type { Database } from './database.ts';

/**
 * The schema, as ordered steps. Each step is idempotent (IF NOT EXISTS), so re-running one that a
 * crash interrupted is safe; `schema_migrations` records what has run.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: readonly string[] }> = [
  {
    version: 1,
    name: 'keyv store',
    // The only place the Keyv table (keyv-store.ts's KEYV_TABLE) is created, in @keyv/postgres's layout.
    sql: ['CREATE TABLE IF NOT EXISTS public.keyv (key VARCHAR(255) PRIMARY KEY, value TEXT)'],
  },
  {
    version: 2,
    name: 'send journal and duplicate claims',
    sql: [
      `CREATE TABLE IF NOT EXISTS send_journal (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        channel_id TEXT,
        source TEXT NOT NULL,
        customer_masked TEXT NOT NULL,
        reference_id TEXT NOT NULL,
        status TEXT NOT NULL,
        description TEXT,
        template_name TEXT NOT NULL,
        language_code TEXT NOT NULL,
        forced BOOLEAN NOT NULL DEFAULT FALSE,
        outcome TEXT NOT NULL CHECK (outcome IN ('in_flight', 'sent', 'failed', 'unknown', 'duplicate')),
        message_id TEXT,
        error_code TEXT,
        duplicate_of TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        completed_at TIMESTAMPTZ
      )`,
      'CREATE INDEX IF NOT EXISTS send_journal_workspace_created ON send_journal (workspace_id, created_at DESC)',
      `CREATE TABLE IF NOT EXISTS send_claims (
        dedupe_key TEXT PRIMARY KEY,
        attempt_id TEXT NOT NULL,
        claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    version: 3,
    name: 'shared send-rate budget per business number',
    sql: [
      `CREATE TABLE IF NOT EXISTS send_rate (
        bucket TEXT NOT NULL,
        second BIGINT NOT NULL,
        used INTEGER NOT NULL,
        PRIMARY KEY (bucket, second)
      )`,
    ],
  },
  {
    version: 4,
    name: 'keyed-hash key, single-use button values, retention indexes',
    sql: [
      // Keys generated once and kept sealed with ENCRYPTION_KEY (keyed-hash.ts): one row per name.
      `CREATE TABLE IF NOT EXISTS sealed_keys (
        name TEXT PRIMARY KEY,
        sealed TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      // A Retry / Send again button is used once: its nonce is inserted when clicked (used-buttons.ts).
      `CREATE TABLE IF NOT EXISTS used_buttons (
        nonce TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL,
        used_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX IF NOT EXISTS used_buttons_expires ON used_buttons (expires_at)',
      'CREATE INDEX IF NOT EXISTS used_buttons_workspace ON used_buttons (workspace_id)',
      // Retention prunes by age; the start-up check looks for attempts stuck in flight.
      'CREATE INDEX IF NOT EXISTS send_journal_created ON send_journal (created_at)',
      "CREATE INDEX IF NOT EXISTS send_journal_in_flight ON send_journal (created_at) WHERE outcome = 'in_flight'",
      'CREATE INDEX IF NOT EXISTS send_claims_claimed ON send_claims (claimed_at)',
      'CREATE INDEX IF NOT EXISTS send_claims_attempt ON send_claims (attempt_id)',
    ],
  },
  {
    version: 5,
    name: 'sliding send-rate budget (GCRA) per business number',
    sql: [
      // `next_at`: the database-clock time (epoch seconds) before which this bucket's next send may not
      // go. `send_rate` (version 3) stays for replicas of the previous release during a rolling upgrade.
      `CREATE TABLE IF NOT EXISTS send_pace (
        bucket TEXT PRIMARY KEY,
        next_at DOUBLE PRECISION NOT NULL
      )`,
    ],
  },
  {
    version: 6,
    name: 'delivery state, Slack message location and customer hash per attempt',
    sql: [
      `ALTER TABLE send_journal
        ADD COLUMN IF NOT EXISTS customer_hash TEXT,
        ADD COLUMN IF NOT EXISTS delivery_state TEXT,
        ADD COLUMN IF NOT EXISTS delivery_rank SMALLINT NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS delivery_version INTEGER NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS whatsapp_sent_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS delivered_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS read_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS delivery_failed_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS delivery_error_code TEXT,
        ADD COLUMN IF NOT EXISTS delivery_error_text TEXT,
        ADD COLUMN IF NOT EXISTS slack_path TEXT,
        ADD COLUMN IF NOT EXISTS slack_channel TEXT,
        ADD COLUMN IF NOT EXISTS slack_ts TEXT,
        ADD COLUMN IF NOT EXISTS slack_version INTEGER NOT NULL DEFAULT 0,
        ADD COLUMN IF NOT EXISTS notice_state TEXT`,
      'CREATE INDEX IF NOT EXISTS send_journal_message_id ON send_journal (message_id) WHERE message_id IS NOT NULL',
      'CREATE INDEX IF NOT EXISTS send_journal_reference ON send_journal (workspace_id, reference_id, created_at DESC)',
      `CREATE INDEX IF NOT EXISTS send_journal_customer ON send_journal (workspace_id, customer_hash, created_at DESC)
        WHERE customer_hash IS NOT NULL`,
    ],
  },
  {
    version: 7,
    name: 'Kaleyra callback credentials and delivery events',
    sql: [
      `CREATE TABLE IF NOT EXISTS callback_credentials (
        workspace_id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL,
        rotated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        rotated_by TEXT NOT NULL,
        last_callback_at TIMESTAMPTZ
      )`,
      // One row per status an attempt reached: the key makes a repeated callback change nothing.
      `CREATE TABLE IF NOT EXISTS delivery_events (
        attempt_id TEXT NOT NULL REFERENCES send_journal (id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        error_code TEXT NOT NULL DEFAULT '',
        error_text TEXT,
        occurred_at TIMESTAMPTZ,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (attempt_id, status, error_code)
      )`,
    ],
  },
  {
    version: 9,
    name: 'bulk send jobs, row by row',
    sql: [
      `CREATE TABLE IF NOT EXISTS bulk_jobs (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        created_by TEXT NOT NULL,
        channel_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('draft', 'queued', 'done', 'canceled')),
        total INTEGER NOT NULL,
        progress_ts TEXT,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        finished_at TIMESTAMPTZ
      )`,
      "CREATE INDEX IF NOT EXISTS bulk_jobs_queued ON bulk_jobs (created_at) WHERE state = 'queued'",
      `CREATE TABLE IF NOT EXISTS bulk_rows (
        job_id TEXT NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        request TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'canceled')),
        lease_until TIMESTAMPTZ,
        outcome TEXT,
        message_id TEXT,
        error_code TEXT,
        attempt_id TEXT,
        PRIMARY KEY (job_id, line)
      )`,
      `CREATE INDEX IF NOT EXISTS bulk_rows_open ON bulk_rows (job_id, line) WHERE state IN ('pending', 'leased')`,
    ],
  },
  {
    version: 10,
    name: 'outcomes in a thread; each person’s recent sends',
    sql: [
      // An outcome posted in the thread of the message it was sent from: its notices go to that thread.
      'ALTER TABLE send_journal ADD COLUMN IF NOT EXISTS slack_thread_ts TEXT',
      // The App Home lists each person's own newest sends.
      'CREATE INDEX IF NOT EXISTS send_journal_actor ON send_journal (workspace_id, actor, created_at DESC)',
    ],
  },
  {
    version: 11,
    name: 'bulk rows and workflow steps in the journal; bulk reports',
    sql: [
      // An attempt names the bulk row or the workflow step it came from: a row retaken after its process
      // died is settled from the journal (never sent twice), whatever the duplicate window.
      `ALTER TABLE send_journal
        ADD COLUMN IF NOT EXISTS bulk_job_id TEXT,
        ADD COLUMN IF NOT EXISTS bulk_line INTEGER,
        ADD COLUMN IF NOT EXISTS workflow_execution_id TEXT`,
      `CREATE INDEX IF NOT EXISTS send_journal_bulk_row ON send_journal (bulk_job_id, bulk_line)
        WHERE bulk_job_id IS NOT NULL`,
      // The end of a job (summary and result file) is reported once: claimed until report_until, done at reported_at.
      `ALTER TABLE bulk_jobs
        ADD COLUMN IF NOT EXISTS file_name TEXT,
        ADD COLUMN IF NOT EXISTS canceled_by TEXT,
        ADD COLUMN IF NOT EXISTS report_until TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS reported_at TIMESTAMPTZ`,
      `CREATE INDEX IF NOT EXISTS bulk_jobs_unreported ON bulk_jobs (created_at)
        WHERE reported_at IS NULL AND state <> 'draft'`,
    ],
  },
  {
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
  },
  {
    version: 13,
    name: 'customers’ messages kept for the admins',
    sql: [
      // The admins' App Home lists the messages Slack could not take; few, among many posted ones.
      `CREATE INDEX IF NOT EXISTS incoming_kept ON incoming_messages (workspace_id, received_at DESC)
        WHERE post_state = 'kept'`,
    ],
  },
  {
    version: 15,
    name: 'quality overrides journaled, account announcements found',
    sql: [
      // An admin's deliberate "resume bulk sends although the number is flagged": who, when, against what.
      `CREATE TABLE IF NOT EXISTS quality_overrides (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL,
        business_number TEXT NOT NULL,
        event TEXT NOT NULL,
        current_limit TEXT,
        overridden_by TEXT NOT NULL,
        overridden_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX IF NOT EXISTS quality_overrides_workspace ON quality_overrides (workspace_id, overridden_at DESC)',
      // Changes not yet told to the admins: every replica's sweep looks for them.
      'CREATE INDEX IF NOT EXISTS template_states_unannounced ON template_states (since) WHERE announced_at IS NULL',
      'CREATE INDEX IF NOT EXISTS number_quality_unannounced ON number_quality (since) WHERE announced_at IS NULL',
      'CREATE INDEX IF NOT EXISTS opt_out_changes_customer ON opt_out_changes (workspace_id, customer_hash)',
      'CREATE INDEX IF NOT EXISTS bulk_jobs_paused ON bulk_jobs (workspace_id) WHERE paused_at IS NOT NULL',
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

// One arbitrary constant: every orderstatus process contends for the same advisory lock.
const MIGRATION_LOCK = 7_262_026;

/**
 * Brings the schema to SCHEMA_VERSION. Safe when several instances run it at once: they queue on a
 * session advisory lock held by one dedicated connection. Returns the versions it applied.
 */
export async function migrate(db: Database): Promise<number[]> {
  // Its own connection, without the pool's query timeout: waiting for another instance's lock is fine.
  const client = new pg.Client({ connectionString: db.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // a failed query below reports it
  await client.connect().catch((error: unknown) => {
    throw new StorageError('Could not reach the database to migrate it.', { cause: error });
  });
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((row) => Number(row.version)));
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        for (const statement of migration.sql) await client.query(statement);
        await client.query(
          'INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [migration.version, migration.name],
        );
        applied.push(migration.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return applied;
}

/**
 * The schema version the database is at: the highest version before the first one not applied (0 when
 * never migrated). Counting up to the first gap, not the highest applied, so a database that has a
 * later step but misses an earlier one reads as behind.
 */
export async function readSchemaVersion(db: Database): Promise<number> {
  const rows = await db
    .query<{ version: number }>('SELECT version FROM schema_migrations')
    .catch((error: unknown) => {
      if ((error as { code?: unknown }).code === '42P01') return [];
      throw error;
    });
  const applied = new Set(rows.map((row) => Number(row.version)));
  let version = 0;
  for (const migration of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (!applied.has(migration.version)) break;
    version = migration.version;
  }
  return version;
}
