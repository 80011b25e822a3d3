import { describe, expect, it } from 'vitest';
import { command, outcomeOf, SETTINGS, storageModes, textOf, useTestApp } from '../support/app-driver.ts';
import { runWorkflowStep } from '../support/bulk-driver.ts';
import { acceptedAs, KALEYRA_RESPONSES } from '../support/fake-kaleyra.ts';
import type { SlackApiCall } from '../support/fake-slack.ts';
import { SIGNING_SECRET, uniqueTeamId } from '../support/start-app.ts';

const INPUTS = {
  customer_number: '+919876543210',
  order_reference: '395001',
  order_status: 'shipped',
  description: 'Left the warehouse',
};

describe.each(await storageModes())(
  'the Workflow Builder step send_order_status on the %s',
  (_name, storage) => {
    // A short Kaleyra timeout, so the timeout case ends in seconds.
    const app = useTestApp(storage, { env: { KALEYRA_TIMEOUT_MS: '1500' } });
    const target = () => ({ slack: app.slack, url: app.url, signingSecret: SIGNING_SECRET });

    /** Runs the step and waits for how it ended: functions.completeSuccess or functions.completeError. */
    async function run(inputs: Record<string, unknown>, team = app.team) {
      const started = Date.now();
      const step = await runWorkflowStep(target(), { team, inputs });
      const ackMs = Date.now() - started;
      expect(step.ack.status).toBe(200);
      const ended = await app.slack.waitFor(
        (s) =>
          s.calls.find(
            (c) =>
              (c.method === 'functions.completeSuccess' || c.method === 'functions.completeError') &&
              c.body.function_execution_id === step.functionExecutionId,
          ),
        10_000,
      );
      return { ...step, ackMs, ended };
    }
    const outputsOf = (call: SlackApiCall) => call.body.outputs as Record<string, string>;

    it('sends once and completes with the message_id; sent_by is the sender in the journal and in ref1', async () => {
      app.kaleyra.respondWith(acceptedAs('AWORKFLOW00000001'));
      const step = await run({ ...INPUTS, sent_by: 'ULEAD' });
      expect(step.ended.method).toBe('functions.completeSuccess');
      expect(outputsOf(step.ended)).toEqual({ message_id: 'AWORKFLOW00000001', outcome: 'sent' });
      // Answered with the step's own token, which Slack gave in the event.
      expect(step.ended.token).toBe(step.token);
      expect(app.kaleyra.requests).toHaveLength(1);
      expect(textOf(app.kaleyra.requests[0]?.body)).toContain('"ref1":"ULEAD"');
      const [entry] = await app.server.services.journal.list(app.team, 5);
      expect(entry).toMatchObject({
        actor: 'ULEAD',
        source: 'workflow',
        outcome: 'sent',
        reference_id: '395001',
      });
    });

    it('without sent_by, the journal says workflow and the workflow’s execution id', async () => {
      const step = await run(INPUTS);
      expect(step.ended.method).toBe('functions.completeSuccess');
      const [entry] = (await app.server.services.journal.list(app.team, 5)) as unknown as Array<
        Record<string, unknown>
      >;
      expect(entry).toMatchObject({
        actor: 'workflow',
        source: 'workflow',
        workflow_execution_id: `Wx${step.functionExecutionId.slice(2)}`,
      });
      expect(textOf(app.kaleyra.requests[0]?.body)).toContain('"ref1":"workflow"');
    });

    it('completes as already_sent with the earlier message_id when the update already went out', async () => {
      app.kaleyra.respondWith(acceptedAs('AEARLIERAGENT0001'));
      const earlier = command(app, `${INPUTS.customer_number} ${INPUTS.order_reference} shipped`);
      await earlier.post();
      await outcomeOf(app, earlier);
      const step = await run(INPUTS);
      expect(step.ended.method).toBe('functions.completeSuccess');
      expect(outputsOf(step.ended)).toEqual({ message_id: 'AEARLIERAGENT0001', outcome: 'already_sent' });
      expect(app.kaleyra.requests).toHaveLength(1);
    });

    it.each([
      ['an invalid number', { ...INPUTS, customer_number: '98765' }, /customer_number: .*\(INVALID_INPUT\)/],
      ['an unknown status', { ...INPUTS, order_status: 'lost' }, /order_status: .*\(INVALID_INPUT\)/],
      [
        'a missing reference',
        { customer_number: '+919876543210', order_status: 'shipped' },
        /order_reference/,
      ],
    ])('fails with the agent-facing words for %s, and sends nothing', async (_label, inputs, words) => {
      const step = await run(inputs);
      expect(step.ended.method).toBe('functions.completeError');
      expect(String(step.ended.body.error)).toMatch(words);
      expect(app.kaleyra.requests).toHaveLength(0);
    });

    it('fails when the workspace has no Kaleyra credentials, saying who can fix it', async () => {
      const step = await run(INPUTS, uniqueTeamId());
      expect(step.ended.method).toBe('functions.completeError');
      expect(String(step.ended.body.error)).toContain('(NOT_CONFIGURED)');
      expect(String(step.ended.body.error)).toContain('/orderstatus config');
      expect(app.kaleyra.requests).toHaveLength(0);
    });

    it.each([
      ['WA401', KALEYRA_RESPONSES.wa401, /\(WA401\)/],
      ['RBC001', KALEYRA_RESPONSES.rbc001, /\(RBC001\)/],
      ['E110', KALEYRA_RESPONSES.e110, /\(E110\)/],
    ])('fails with Kaleyra’s %s in plain words', async (_code, response, words) => {
      app.kaleyra.respondWith(response);
      const step = await run(INPUTS);
      expect(step.ended.method).toBe('functions.completeError');
      expect(String(step.ended.body.error)).toMatch(words);
      expect(String(step.ended.body.error)).not.toContain(SETTINGS.apiKey);
    });

    it('a Kaleyra timeout ends the step in fail too (it may have been delivered), and the event is acked at once', async () => {
      app.kaleyra.respondWith({ hang: true });
      const step = await run(INPUTS);
      expect(step.ackMs).toBeLessThan(3_000); // Slack's limit: the hanging Kaleyra is not waited for
      expect(step.ended.method).toBe('functions.completeError');
      expect(String(step.ended.body.error)).toContain('(TIMEOUT)');
      expect(String(step.ended.body.error)).toContain('may still have received');
    });
  },
);
