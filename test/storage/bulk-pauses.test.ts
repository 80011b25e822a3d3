import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderStatusRequest } from '../../src/domain/order-status.ts';
import { createAccountHealthStore } from '../../src/storage/account-health-store.ts';
import { createBulkJobs } from '../../src/storage/bulk-jobs.ts';
import { createBulkPauses, type PauseCause } from '../../src/storage/bulk-pauses.ts';
import { createCipher, createSealer, parseEncryptionKeys } from '../../src/storage/encryption.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { createScratchDatabase } from '../support/scratch-database.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();
// A database of its own: the bulk workers of apps other test files start would take these jobs.
const scratch = pgUrl ? await createScratchDatabase(pgUrl, 'bulkpauses') : undefined;
afterAll(async () => {
  await scratch?.drop();
});
const sealer = createSealer(createCipher(parseEncryptionKeys(Buffer.alloc(32, 5).toString('base64'))));

const request: OrderStatusRequest = { to: '+919876543000', referenceId: 'R1', status: 'shipped' };
const onTemplate = (name: string, followsDefault = true): PauseCause => ({
  reason: 'template_paused',
  template: { name, language: 'en' },
  followsDefault,
});

/**
 * A paused job knows what stopped it, and goes on exactly when that no longer holds: its template
 * lifted in its language, or (a job that follows the default) a default template Meta has not stopped.
 */
describe.each(databaseStores('pauses', scratch?.url))('paused bulk jobs on the %s', (_name, open) => {
  let opened: OpenedDatabase;
  beforeAll(async () => {
    if (open) opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  const setUp = async () => {
    const { db } = opened;
    const workspaceId = uniqueTeamId();
    const jobs = createBulkJobs(db, sealer);
    const pauses = createBulkPauses(db, sealer);
    const health = createAccountHealthStore(db);
    const jobId = await jobs.createDraft({ workspaceId, createdBy: 'UAGENT', rows: [{ line: 2, request }] });
    await jobs.queue(jobId, workspaceId);
    let clock = Date.now() - 60_000;
    // Each event a second after the last, by Meta's clock.
    const template = (name: string, event: 'PAUSED' | 'APPROVED', language = 'en') => {
      clock += 1_000;
      return health.applyTemplate({
        workspaceId,
        templateName: name,
        languageCode: language,
        event,
        blocked: event === 'PAUSED',
        reason: undefined,
        source: 'event',
        at: new Date(clock),
        id: randomUUID(),
      });
    };
    const why = async () =>
      (
        await db.query<{
          paused_reason: string | null;
          resumed_why: string | null;
          template_name: string | null;
        }>('SELECT paused_reason, resumed_why, template_name FROM bulk_jobs WHERE id = $1', [jobId])
      )[0];
    return { workspaceId, jobId, pauses, template, why };
  };

  it.skipIf(!open)(
    'pauses only while the stop holds, and goes on with a new default template Meta has not stopped',
    async () => {
      const { workspaceId, jobId, pauses, template, why } = await setUp();
      // Lifted before the pause could be written: the rows are simply retried.
      expect(await pauses.pause(jobId, onTemplate('order_status'))).toBe(false);
      await template('order_status', 'PAUSED');
      expect(await pauses.pause(jobId, onTemplate('order_status'))).toBe(true);
      expect(await pauses.resume(workspaceId)).toEqual([]);
      // Saved again unchanged, or moved to a template that is stopped too: still paused (following it).
      expect(await pauses.followDefault(workspaceId, { name: 'order_status', language: 'en' })).toEqual([]);
      await template('order_other', 'PAUSED');
      expect(await pauses.followDefault(workspaceId, { name: 'order_other', language: 'en' })).toEqual([]);
      // Meta lifting the old one does not free a job that now sends with the other.
      await template('order_status', 'APPROVED');
      expect(await pauses.resume(workspaceId)).toEqual([]);
      expect(await pauses.followDefault(workspaceId, { name: 'order_update', language: 'en' })).toEqual([
        { jobId, workspaceId },
      ]);
      expect(await why()).toEqual({
        paused_reason: null,
        resumed_why: 'default_changed',
        template_name: 'order_update',
      });
      // The default moved on while a row was being refused for the old one: no pause.
      await template('order_status', 'PAUSED');
      expect(await pauses.pause(jobId, onTemplate('order_status'))).toBe(false);
    },
  );

  it.skipIf(!open)(
    'a job whose rows name their own template waits for that template, whatever the default',
    async () => {
      const { workspaceId, jobId, pauses, template, why } = await setUp();
      await template('promo_x', 'PAUSED');
      expect(await pauses.pause(jobId, onTemplate('promo_x', false))).toBe(true);
      expect(await pauses.followDefault(workspaceId, { name: 'order_update', language: 'en' })).toEqual([]);
      await template('promo_x', 'APPROVED', 'hi');
      expect(await pauses.resume(workspaceId)).toEqual([]);
      await template('promo_x', 'APPROVED');
      expect(await pauses.resume(workspaceId)).toEqual([{ jobId, workspaceId }]);
      expect((await why())?.resumed_why).toBe('template_lifted');
    },
  );
});
