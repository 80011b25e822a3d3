import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBulkJobs } from '../../src/storage/bulk-jobs.ts';
import { BulkJobsRowSchema, BulkRowsRowSchema } from '../../src/storage/bulk-tables.ts';
import {
  CallbackCredentialsRowSchema,
  createCallbackCredentialsStore,
} from '../../src/storage/callback-credentials-store.ts';
import {
  AccountEventsRowSchema,
  ConsentKeywordsRowSchema,
  ConsentStatesRowSchema,
  NumberQualityRowSchema,
  OptOutChangesRowSchema,
  OptOutsRowSchema,
  QualityOverridesRowSchema,
  TemplateStatesRowSchema,
} from '../../src/storage/consent-tables.ts';
import { IncomingMessagesRowSchema, SendWamidsRowSchema } from '../../src/storage/conversation-tables.ts';
import { createCipher, createSealer, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { loadKeyedHash } from '../../src/storage/keyed-hash.ts';
import { createPaymentStore } from '../../src/storage/payment-store.ts';
import { PaymentEventsRowSchema, PaymentStatesRowSchema } from '../../src/storage/payment-tables.ts';
import { createSendJournal } from '../../src/storage/send-journal.ts';
import { SendJournalRowSchema } from '../../src/storage/send-journal-row.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
const cipher = createCipher(parseEncryptionKeys(Buffer.alloc(32, 5).toString('base64')));

/**
 * Each table's one row type says what the migrated table holds: every column, and values of the types
 * the database hands over. A column added by a migration and not to its row type fails here.
 */
describe.each(databaseStores('rows', pgUrl))('table rows on the %s', (_name, open) => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    if (open) opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  const columnsOf = async (table: string) =>
    (
      await opened.db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1`,
        [table],
      )
    )
      .map((row) => row.column_name)
      .sort();

  it.skipIf(!open)(
    'send_journal: one row type with every column, and rows read back as it says',
    async () => {
      expect(Object.keys(SendJournalRowSchema.entries).sort()).toEqual(await columnsOf('send_journal'));
      const journal = createSendJournal(
        opened.db,
        await loadKeyedHash(opened.db, cipher, 'keyed-hash-rows-test'),
      );
      const team = uniqueTeamId();
      const begun = await journal.begin({
        workspaceId: team,
        actor: 'UAGENT',
        channelId: 'CORDERS',
        source: 'bulk',
        origin: { bulkJobId: 'job-1', bulkLine: 7 },
        update: {
          to: '+919876543210',
          referenceId: 'ROW-1',
          status: 'shipped',
          templateName: 't',
          languageCode: 'en',
        },
        force: false,
        customerHash: 'hash',
      });
      if (!begun.ok) throw new Error('not begun');
      await journal.complete(begun.attempt, { outcome: 'sent', messageId: 'M-1' });
      const rows = await journal.list(team);
      expect(rows).toHaveLength(1);
      const parsed = v.parse(v.strictObject(SendJournalRowSchema.entries), rows[0]);
      expect(parsed).toMatchObject({ outcome: 'sent', message_id: 'M-1', bulk_line: 7, forced: false });
      expect(parsed.created_at).toBeInstanceOf(Date);
    },
  );

  /** The table's columns are the schema's, and a row read back with SELECT * is one. */
  async function expectRowOf<Entries extends v.ObjectEntries>(
    table: string,
    schema: v.ObjectSchema<Entries, undefined>,
    where: string,
    key: unknown,
  ) {
    expect(Object.keys(schema.entries).sort()).toEqual(await columnsOf(table));
    const [row] = await opened.db.query(`SELECT * FROM ${table} WHERE ${where} = $1 LIMIT 1`, [key]);
    return v.parse(v.strictObject(schema.entries), row);
  }

  it.skipIf(!open)('bulk_jobs and bulk_rows: one row type each', async () => {
    const team = uniqueTeamId();
    const id = await createBulkJobs(opened.db, createSealer(cipher)).createDraft({
      workspaceId: team,
      createdBy: 'UAGENT',
      fileName: 'orders.csv',
      rows: [{ line: 2, request: { to: '+919876543210', referenceId: 'ROW-2', status: 'shipped' } }],
    });
    expect(await expectRowOf('bulk_jobs', BulkJobsRowSchema, 'id', id)).toMatchObject({
      state: 'draft',
      total: 1,
      channel_id: null,
    });
    expect(await expectRowOf('bulk_rows', BulkRowsRowSchema, 'job_id', id)).toMatchObject({
      line: 2,
      state: 'pending',
      outcome: null,
    });
  });

  it.skipIf(!open)('callback_credentials: one row type', async () => {
    const team = uniqueTeamId();
    await createCallbackCredentialsStore(opened.db).rotate(team, 'hash', `cb-${team}`, 'UADMIN');
    const row = await expectRowOf('callback_credentials', CallbackCredentialsRowSchema, 'workspace_id', team);
    expect(row).toMatchObject({ secret_hash: 'hash', last_callback_at: null });
    expect(row.rotated_at).toBeInstanceOf(Date);
  });

  it.skipIf(!open)('the conversation and consent tables: one row type each, with every column', async () => {
    const tables: Array<[string, v.ObjectSchema<v.ObjectEntries, undefined>]> = [
      ['incoming_messages', IncomingMessagesRowSchema],
      ['send_wamids', SendWamidsRowSchema],
      ['consent_states', ConsentStatesRowSchema],
      ['opt_outs', OptOutsRowSchema],
      ['opt_out_changes', OptOutChangesRowSchema],
      ['consent_keywords', ConsentKeywordsRowSchema],
      ['template_states', TemplateStatesRowSchema],
      ['number_quality', NumberQualityRowSchema],
      ['quality_overrides', QualityOverridesRowSchema],
      ['account_events', AccountEventsRowSchema],
    ];
    for (const [table, schema] of tables) {
      expect(Object.keys(schema.entries).sort(), table).toEqual(await columnsOf(table));
    }
  });

  it.skipIf(!open)('payment_events and payment_states: one row type each', async () => {
    const team = uniqueTeamId();
    await createPaymentStore(opened.db).record({
      id: `pay-${team}`,
      workspaceId: team,
      referenceId: 'ROW-PAY-1',
      eventKey: 'key-1',
      kind: 'captured',
      status: 'captured',
      facts: { refunds: [] },
      customerHash: undefined,
      customerMasked: undefined,
      at: new Date('2026-12-08T10:00:00Z'),
    });
    expect(await expectRowOf('payment_events', PaymentEventsRowSchema, 'workspace_id', team)).toMatchObject({
      kind: 'captured',
      applied: true,
      customer_hash: null,
    });
    expect(await expectRowOf('payment_states', PaymentStatesRowSchema, 'workspace_id', team)).toMatchObject({
      kind: 'captured',
      rank: 3,
      event_id: `pay-${team}`,
    });
  });
});
