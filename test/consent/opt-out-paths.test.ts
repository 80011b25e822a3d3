import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import { HASH_PURPOSES } from '../../src/domain/keyed-hash.ts';
import { RESEND_ACTION, RETRY_ACTION } from '../../src/slack/ids.ts';
import {
  buttonValue,
  clickButton,
  command,
  outcomeOf,
  SETTINGS,
  textOf,
  useTestApp,
} from '../support/app-driver.ts';
import {
  BULK_CUSTOMER,
  bulkCsv,
  checkedView,
  confirmBulk,
  jobResultRows,
  runWorkflowStep,
  submitBulkFile,
} from '../support/bulk-driver.ts';
import { runCliProcess } from '../support/cli-process.ts';
import { CUSTOMER, cliEnvOf, customerSays, sendModal } from '../support/consent-driver.ts';
import { KALEYRA_RESPONSES, referenceIdOf } from '../support/fake-kaleyra.ts';
import type { Login } from '../support/kaleyra-callbacks.ts';
import { useScratchDatabase } from '../support/scratch-database.ts';
import { useMessageShortcut, viewOf } from '../support/slack-surfaces.ts';
import { SIGNING_SECRET, uniqueTeamId } from '../support/start-app.ts';

// A database of its own: the CLI runs beside the server on it, and a bulk job here must be worked by
// this app's worker only.
const scratch = await useScratchDatabase('optout');

/**
 * A customer's STOP, then an attempt on each send path: every one is refused before Kaleyra, says why
 * and what to do, and sends nothing; START lets them through again; another workspace is not affected.
 */
describe.skipIf(!scratch)('a STOP is honoured on every send path', () => {
  const t = useTestApp(scratch ? { kind: 'postgres', url: scratch.url } : undefined, {
    bulk: { pollMs: 100, editMs: 200 },
  });
  const target = () => ({ slack: t.slack, url: t.url, signingSecret: SIGNING_SECRET });
  let login: Login;
  let ref: string;

  beforeEach(async () => {
    login = await t.server.services.callbackCredentials.rotate(t.team, 'UADMIN');
    ref = `OPT${Math.random().toString(36).slice(2, 7).toUpperCase()}`;
  });

  const stop = () => customerSays(t, login, 'Stop.');
  const refusal = (text: string) => {
    expect(text).toContain('OPTED_OUT');
    expect(text).toContain('opted out');
    expect(text).toContain('START');
  };

  it('the one-liner', async () => {
    await stop();
    const sent = command(t, `${CUSTOMER.e164} ${ref} shipped`);
    await sent.post();
    refusal(textOf((await outcomeOf(t, sent)).body));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('the modal', async () => {
    await stop();
    const submitted = sendModal(t, { to: CUSTOMER.e164, referenceId: ref, status: 'shipped' });
    expect((await submitted.post()).status).toBe(200);
    refusal(textOf((await outcomeOf(t, submitted)).body));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('the message shortcut (its form, answered in the message’s thread)', async () => {
    await stop();
    const shortcut = useMessageShortcut(t, {
      text: `Order ${ref} for ${CUSTOMER.e164}`,
      ts: '1700000200.000100',
    });
    expect((await shortcut.post()).status).toBe(200);
    const view = viewOf(await t.slack.waitFor((s) => s.callsTo('views.open')[0]));
    const metadata = JSON.parse(String(view.private_metadata)) as Record<string, string>;
    const submitted = sendModal(t, { to: CUSTOMER.e164, referenceId: ref, status: 'shipped' }, metadata);
    await submitted.post();
    const outcome = await t.slack.waitFor((s) =>
      s.callsTo('chat.postMessage').find((c) => c.body.thread_ts === '1700000200.000100'),
    );
    refusal(textOf(outcome.body));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('Send again (the duplicate’s button), which skips the duplicate guard but never the opt-out', async () => {
    const first = command(t, `${CUSTOMER.e164} ${ref} shipped`);
    await first.post();
    await outcomeOf(t, first);
    const repeat = command(t, `${CUSTOMER.e164} ${ref} shipped`);
    await repeat.post();
    const resend = buttonValue((await outcomeOf(t, repeat)).body, RESEND_ACTION);
    expect(resend).toBeDefined();
    await stop();
    t.kaleyra.reset();
    const click = clickButton(t, { actionId: RESEND_ACTION, value: resend ?? '' });
    await click.post();
    refusal(textOf((await outcomeOf(t, click)).body));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('Retry (after Kaleyra’s WA500)', async () => {
    t.kaleyra.respondWith(KALEYRA_RESPONSES.wa500);
    const first = command(t, `${CUSTOMER.e164} ${ref} shipped`);
    await first.post();
    const retry = buttonValue((await outcomeOf(t, first)).body, RETRY_ACTION);
    expect(retry).toBeDefined();
    await stop();
    t.kaleyra.reset();
    const click = clickButton(t, { actionId: RETRY_ACTION, value: retry ?? '' });
    await click.post();
    refusal(textOf((await outcomeOf(t, click)).body));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('the CLI send, with and without --force', async () => {
    await stop();
    const env = cliEnvOf(t, scratch?.url ?? '');
    for (const force of [[], ['--force']]) {
      const run = await runCliProcess(
        ['send', '--team', t.team, '--to', CUSTOMER.e164, '--ref', ref, '--status', 'shipped', ...force],
        env,
      );
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      refusal(run.stderr);
      expect(run.stderr).toContain('orderstatus optout remove --team');
    }
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('a Slack bulk job: the opted-out row is in the result file with its reason, the others are sent', async () => {
    await customerSays(t, login, 'STOP', { from: BULK_CUSTOMER(1).slice(1) });
    const { viewId } = await submitBulkFile(target(), { team: t.team, csv: bulkCsv(3, ref) });
    const checked = await checkedView(target(), viewId);
    await confirmBulk(target(), { team: t.team, jobId: checked.jobId ?? '' });
    const rows = await jobResultRows(t.slack, checked.jobId ?? '');
    expect(rows.map((row) => [row.reference, row.outcome, row.error_code])).toEqual([
      [`${ref}0`, 'sent', ''],
      [`${ref}1`, 'failed', 'OPTED_OUT'],
      [`${ref}2`, 'sent', ''],
    ]);
    expect(t.kaleyra.requests.map(referenceIdOf).sort()).toEqual([`${ref}0`, `${ref}2`]);
  });

  it('send --csv: the opted-out row is reported with its reason, the others are sent', async () => {
    await customerSays(t, login, 'unsubscribe', { from: BULK_CUSTOMER(0).slice(1) });
    const dir = path.join(t.dataDir, 'csv');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${ref}.csv`);
    await writeFile(file, bulkCsv(3, ref));
    const run = await runCliProcess(
      ['send', '--team', t.team, '--csv', file],
      cliEnvOf(t, scratch?.url ?? ''),
    );
    expect(run.code, run.stderr).toBe(1);
    const rows = parse(run.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => [row.reference, row.outcome, row.error_code])).toEqual([
      [`${ref}0`, 'failed', 'OPTED_OUT'],
      [`${ref}1`, 'sent', ''],
      [`${ref}2`, 'sent', ''],
    ]);
    expect(t.kaleyra.requests.map(referenceIdOf).sort()).toEqual([`${ref}1`, `${ref}2`]);
  });

  it('the Workflow Builder step completes with an error naming the opt-out', async () => {
    await stop();
    const step = await runWorkflowStep(target(), {
      team: t.team,
      inputs: { customer_number: CUSTOMER.e164, order_reference: ref, order_status: 'shipped' },
    });
    expect(step.ack.status).toBe(200);
    const ended = await t.slack.waitFor((s) =>
      s.calls.find(
        (c) =>
          c.method.startsWith('functions.complete') &&
          c.body.function_execution_id === step.functionExecutionId,
      ),
    );
    expect(ended.method).toBe('functions.completeError');
    refusal(String(ended.body.error));
    expect(t.kaleyra.requests).toHaveLength(0);
  });

  it('an agent’s reply (a session text asks the same guard, kind text)', async () => {
    await stop();
    const credentials = await t.server.services.credentials.get(t.team);
    if (!credentials) throw new Error('not configured');
    const verdict = await t.server.services.guard.check({
      workspaceId: t.team,
      credentials,
      customerHash: t.server.services.keyedHash(HASH_PURPOSES.customerNumber, CUSTOMER.e164),
      message: { kind: 'text' },
      bulk: false,
    });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.error.reason).toBe('opted_out');
  });

  it('START lets the next one-liner through; another workspace sending to the same number never was affected', async () => {
    await stop();
    const other = uniqueTeamId();
    await t.server.services.credentials.set(other, { ...SETTINGS, businessNumber: '+14155550100' }, 'UADMIN');
    const elsewhere = command(t, `${CUSTOMER.e164} ${ref} shipped`, { teamId: other });
    await elsewhere.post();
    expect(textOf((await outcomeOf(t, elsewhere)).body)).toContain('message_id');
    expect(t.kaleyra.requests).toHaveLength(1);

    await customerSays(t, login, '  start!! ');
    const again = command(t, `${CUSTOMER.e164} ${ref} shipped`);
    await again.post();
    expect(textOf((await outcomeOf(t, again)).body)).toContain('message_id');
    expect(t.kaleyra.requests).toHaveLength(2);
  });
});
