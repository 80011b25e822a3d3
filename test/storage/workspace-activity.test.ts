import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallbackCredentialsStore } from '../../src/storage/callback-credentials-store.ts';
import { createOrderHistoryStore } from '../../src/storage/order-history-store.ts';
import { createWorkspaceActivity } from '../../src/storage/workspace-activity.ts';
import { databaseStores, type OpenedDatabase } from '../support/database-stores.ts';
import { probeTestDatabase } from '../support/postgres.ts';
import { uniqueTeamId } from '../support/start-app.ts';

const pgUrl = await probeTestDatabase();

type Opened = OpenedDatabase;
const stores = databaseStores('activity', pgUrl);

type Row = {
  actor?: string;
  outcome: string;
  errorCode?: string;
  state?: string;
  deliveryCode?: string;
  minutesAgo?: number;
};

const DAY = 24 * 60 * 60;
const HOUR = 60 * 60;

describe.each(stores)('workspace activity and sends by person on the %s', (_name, open) => {
  let opened: Opened;
  beforeAll(async () => {
    if (!open) return;
    opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  async function insert(workspaceId: string, row: Row): Promise<string> {
    const id = randomUUID();
    await opened.db.query(
      `INSERT INTO send_journal (id, workspace_id, actor, source, customer_masked, reference_id, status,
         template_name, language_code, outcome, error_code, delivery_state, delivery_error_code, created_at)
       VALUES ($1, $2, $3, 'slack', '+91 •••• 3210', $4, 'shipped', 'order_status', 'en', $5, $6, $7, $8,
         now() - make_interval(mins => $9))`,
      [
        id,
        workspaceId,
        row.actor ?? 'UAGENT',
        `R-${id.slice(0, 8)}`,
        row.outcome,
        row.errorCode ?? null,
        row.state ?? null,
        row.deliveryCode ?? null,
        row.minutesAgo ?? 1,
      ],
    );
    return id;
  }

  it.skipIf(!open)(
    'counts the last day by outcome and code, in one statement, and only this workspace',
    async () => {
      const team = uniqueTeamId();
      const rows: Row[] = [
        { outcome: 'sent' },
        { outcome: 'sent', state: 'delivered' },
        { outcome: 'sent', state: 'read' },
        { outcome: 'sent', state: 'failed', deliveryCode: '131026' },
        { outcome: 'sent', state: 'failed', deliveryCode: '131026' },
        { outcome: 'sent', state: 'not_sent' },
        { outcome: 'failed', errorCode: 'WA401' },
        { outcome: 'unknown', errorCode: 'TIMEOUT' },
        // A timeout that WhatsApp then reported delivered is no failure.
        { outcome: 'unknown', errorCode: 'TIMEOUT', state: 'delivered' },
        { outcome: 'duplicate' },
        { outcome: 'duplicate' },
        // Older than the window: not counted.
        { outcome: 'failed', errorCode: 'E110', minutesAgo: 24 * 60 + 5 },
      ];
      for (const row of rows) await insert(team, row);
      await insert(uniqueTeamId(), { outcome: 'failed', errorCode: 'RBC001' });

      const activity = await createWorkspaceActivity(opened.db).count(team, DAY, HOUR);
      expect(activity).toMatchObject({ sent: 6, delivered: 3, read: 1, duplicates: 2 });
      expect(activity.failures).toEqual([
        { stage: 'not_delivered', code: '131026', count: 2 },
        { stage: 'not_delivered', code: 'NOT_SENT', count: 1 },
        { stage: 'unconfirmed', code: 'TIMEOUT', count: 1 },
        { stage: 'refused', code: 'WA401', count: 1 },
      ]);
    },
  );

  it.skipIf(!open)(
    'counts sends over an hour old with no callback since, and none once a callback came after them',
    async () => {
      const team = uniqueTeamId();
      await insert(team, { outcome: 'sent', minutesAgo: 90 });
      await insert(team, { outcome: 'sent', minutesAgo: 61 });
      await insert(team, { outcome: 'sent', minutesAgo: 59 });
      await insert(team, { outcome: 'failed', errorCode: 'WA401', minutesAgo: 120 });
      const activity = createWorkspaceActivity(opened.db);
      const silent = await activity.count(team, DAY, HOUR);
      expect(silent.awaitingCallbacks).toBe(2);
      expect(Date.now() - (silent.oldestAwaitingAt?.getTime() ?? 0)).toBeGreaterThan(89 * 60_000);

      // A callback 75 minutes ago: only the send after it (61 minutes ago) still waits.
      const callbacks = createCallbackCredentialsStore(opened.db);
      await callbacks.rotate(team, 'hash', `cb-${randomUUID()}`, 'UADMIN');
      await opened.db.query(
        `UPDATE callback_credentials SET last_callback_at = now() - interval '75 minutes' WHERE workspace_id = $1`,
        [team],
      );
      expect((await activity.count(team, DAY, HOUR)).awaitingCallbacks).toBe(1);
      await callbacks.noteCallback(team);
      expect(await activity.count(team, DAY, HOUR)).toMatchObject({
        awaitingCallbacks: 0,
        oldestAwaitingAt: null,
      });
    },
  );

  it.skipIf(!open)(
    'lists what one person sent, newest first, without the duplicates that were stopped',
    async () => {
      const team = uniqueTeamId();
      const mine = [];
      for (let i = 5; i >= 1; i--) mine.push(await insert(team, { outcome: 'sent', minutesAgo: i }));
      await insert(team, { outcome: 'duplicate', minutesAgo: 0 });
      await insert(team, { outcome: 'sent', actor: 'UOTHER' });
      const page = await createOrderHistoryStore(opened.db).list(team, { actor: 'UAGENT' }, 3);
      expect(page.entries.map((entry) => entry.id)).toEqual(mine.reverse().slice(0, 3));
      expect(page.more).toBe(true);
    },
  );
});
