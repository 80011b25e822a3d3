import { beforeEach, describe, expect, it } from 'vitest';
import { HASH_PURPOSES } from '../../src/domain/keyed-hash.ts';
import {
  command,
  outcomeOf,
  postsTo,
  storageModes,
  textOf,
  useTestApp,
  waitUntil,
} from '../support/app-driver.ts';
import { CUSTOMER, customerSays } from '../support/consent-driver.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';

const minutes = (n: number) => new Date(Date.now() + n * 60_000);

/**
 * Kaleyra delivers customers' messages late and out of order: each consent word counts by when the
 * customer wrote it, an admin's change by when the admin made it, and the newest decides. A word older
 * than what decides the number's state now is journaled and changes nothing.
 */
describe.each(await storageModes())(
  'the last word decides, by when it was written (%s)',
  (_name, storage) => {
    const t = useTestApp(storage);
    let login: Login;

    beforeEach(async () => {
      login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
      t.slack.setUser('UADMIN', { is_admin: true });
    });

    /** What the one-liner's outcome says about an update to the customer. */
    async function oneLiner(reference: string): Promise<string> {
      const sent = command(t, `${CUSTOMER.e164} ${reference} shipped`);
      await sent.post();
      return textOf((await outcomeOf(t, sent)).body);
    }

    /** What `/orderstatus <text>` answered an admin. */
    async function asAdmin(text: string): Promise<string> {
      const sent = command(t, text, { userId: 'UADMIN' });
      const ack = await sent.post();
      if (ack.text !== '') return ack.text;
      return textOf((await waitUntil(() => postsTo(t, sent)[0], 5000, 'the answer')).body);
    }

    const journal = () =>
      t.server.services.db.query<{ action: string; changed_by: string; late: boolean }>(
        `SELECT action, changed_by, late FROM opt_out_changes
        WHERE workspace_id = $1 AND customer_hash = $2 ORDER BY changed_at`,
        [t.team, t.server.services.keyedHash(HASH_PURPOSES.customerNumber, CUSTOMER.e164)],
      );

    /** The customer's message quoting `word`, as the app posted it in the order's thread. */
    const postOf = (word: string) =>
      t.slack.waitFor((s) =>
        s
          .callsTo('chat.postMessage')
          .find((c) => c.body.thread_ts !== undefined && textOf(c.body).includes(`> ${word}`)),
      );

    it('a START written 2 minutes before a STOP, arriving after it, does not reopen sends', async () => {
      // An order first, so that the customer's words are shown in its thread.
      expect(await oneLiner('LATE-A0')).toContain('message_id');
      t.kaleyra.reset();
      await customerSays(t, login, 'STOP');
      await customerSays(t, login, 'START', { at: minutes(-2) });
      expect(await oneLiner('LATE-A')).toContain('OPTED_OUT');
      expect(t.kaleyra.requests).toHaveLength(0);
      expect(await journal()).toEqual([
        { action: 'opt_out', changed_by: 'customer', late: false },
        { action: 'opt_in', changed_by: 'customer', late: true },
      ]);
      // The thread does not say they opted back in: it says the word came too late to count.
      const start = textOf((await postOf('START')).body);
      expect(start).not.toContain('opted back in');
      expect(start).toContain('changed nothing');
    });

    it('an hour-old STOP arriving after a newer START does not opt the customer out', async () => {
      await customerSays(t, login, 'START');
      await customerSays(t, login, 'STOP', { at: minutes(-60) });
      expect(await oneLiner('LATE-B')).toContain('message_id');
      expect((await t.server.services.consent.list(t.team)).total).toBe(0);
      expect((await journal()).map((row) => row.late)).toEqual([false, true]);
    });

    it('a late START (written before an admin opted the number out) does not undo the admin’s opt-out', async () => {
      expect(await asAdmin(`optout ${CUSTOMER.e164} asked by phone`)).toContain('opted +91 •••• 3210 out');
      await customerSays(t, login, 'START', { at: minutes(-1) });
      expect(await oneLiner('LATE-C')).toContain('OPTED_OUT');
      expect(t.kaleyra.requests).toHaveLength(0);
    });

    it('an admin’s change and a customer’s word: the later one decides, whichever arrives last', async () => {
      // The customer's STOP of a minute ago, then an admin lifts it now: the admin's is later.
      await customerSays(t, login, 'STOP', { at: minutes(-1) });
      expect(await oneLiner('LATE-D1')).toContain('OPTED_OUT');
      expect(await asAdmin(`optout remove ${CUSTOMER.e164}`)).toContain('lifted the opt-out');
      expect(await oneLiner('LATE-D2')).toContain('message_id');

      // The customer's START written two minutes from now (their clock is ahead, within what is
      // believed) arrives first; the admin's opt-out, made before it was written, changes nothing.
      await customerSays(t, login, 'START', { at: minutes(2) });
      const answer = await asAdmin(`optout ${CUSTOMER.e164}`);
      expect(answer).toContain('nothing changed');
      expect(answer).toContain('newer');
      expect(await oneLiner('LATE-D3')).toContain('message_id');
    });
  },
);
