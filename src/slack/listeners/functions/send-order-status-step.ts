import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { describeError } from '../../../describe/describe-error.ts';
import { validateOrderStatus } from '../../../domain/order-status.ts';
import { DuplicateSendError } from '../../../errors/duplicate-send-error.ts';
import { ValidationError } from '../../../errors/validation-error.ts';
import type { Logger } from '../../../logger.ts';
import type { TaskTracker } from '../../../services/background-tasks.ts';
import type { OrderStatusService } from '../../../services/send-order-status.ts';
import { WORKFLOW_SURFACE } from '../../messages/workflow-surface.ts';
import { slackErrorCode } from '../../slack-error-code.ts';
import { workspaceOf } from '../../workspace-of.ts';

type Args = SlackEventMiddlewareArgs<'function_executed'> & AllMiddlewareArgs;

export type WorkflowStepDeps = {
  orderStatus: Pick<OrderStatusService, 'sendOrderStatus'>;
  tasks: Pick<TaskTracker, 'run'>;
  logger: Logger;
};

/** The step's inputs as the manifest names them; the Slack inputs the step's fields carry. */
const INPUT_NAMES: Record<string, string> = {
  to: 'customer_number',
  referenceId: 'order_reference',
  status: 'order_status',
  description: 'description',
};
const SLACK_USER = /^[UW][A-Z0-9]{1,30}$/;

/** The outcome told to the workflow: its outputs, or the error its run shows. */
type StepOutcome =
  | { ok: true; outputs: { message_id: string; outcome: 'sent' | 'already_sent' } }
  | { ok: false; error: string };

/**
 * Workflow Builder's "Send WhatsApp order status" (function `send_order_status`): the same send as a
 * one-liner. WA202 completes the step with the message_id; the same update already sent completes it
 * as `already_sent` with the earlier message_id (the customer has it); everything else, an exception
 * and a Kaleyra timeout included, fails it with the agent-facing words. Every run ends in one of the
 * two: a step that never answers would leave the workflow hanging.
 */
export function createSendOrderStatusStep(deps: WorkflowStepDeps) {
  return async ({ inputs, event, complete, fail, context }: Args) => {
    const workspaceId = workspaceOf(context);
    // After Bolt's ack, tracked so a SIGTERM waits for the send and its answer.
    deps.tasks.run(async () => {
      let outcome: StepOutcome;
      try {
        outcome = workspaceId
          ? await runStep(deps, workspaceId, inputs, event.workflow_execution_id)
          : { ok: false, error: 'This request did not say which workspace it came from.' };
      } catch (error) {
        deps.logger.error({ err: error }, 'the workflow step failed');
        outcome = { ok: false, error: textOf(error) };
      }
      try {
        if (outcome.ok) await complete({ outputs: outcome.outputs });
        else await fail({ error: outcome.error });
      } catch (error) {
        deps.logger.warn(
          { reason: slackErrorCode(error), executionId: event.function_execution_id },
          'could not tell Slack how the workflow step ended',
        );
      }
      deps.logger.info(
        { workspace: workspaceId, executionId: event.function_execution_id, ok: outcome.ok },
        'workflow step finished',
      );
    });
  };
}

async function runStep(
  deps: WorkflowStepDeps,
  workspaceId: string,
  inputs: Record<string, unknown>,
  workflowExecutionId: string,
): Promise<StepOutcome> {
  const text = (name: string) => (typeof inputs[name] === 'string' ? (inputs[name] as string) : undefined);
  const description = text('description');
  const validated = validateOrderStatus({
    to: text('customer_number') ?? '',
    referenceId: text('order_reference') ?? '',
    status: text('order_status') ?? '',
    ...(description !== undefined && description.trim() !== '' ? { description } : {}),
  });
  if (!validated.ok) {
    const issues = Object.fromEntries(
      Object.entries(validated.issues).map(([field, message]) => [
        INPUT_NAMES[field] ?? field,
        `${INPUT_NAMES[field] ?? field}: ${message}`,
      ]),
    );
    return { ok: false, error: textOf(new ValidationError(issues)) };
  }
  const sentBy = text('sent_by');
  const result = await deps.orderStatus.sendOrderStatus({
    workspaceId,
    request: validated.value,
    actor: {
      kind: 'workflow',
      userId: sentBy && SLACK_USER.test(sentBy) ? sentBy : undefined,
      executionId: workflowExecutionId,
    },
  });
  if (result.ok) return { ok: true, outputs: { message_id: result.messageId, outcome: 'sent' } };
  const { error } = result;
  if (error instanceof DuplicateSendError && error.previous.state === 'sent' && error.previous.messageId) {
    return { ok: true, outputs: { message_id: error.previous.messageId, outcome: 'already_sent' } };
  }
  return { ok: false, error: textOf(error) };
}

/** What the workflow's run shows: what happened (with the code) and what to do. */
function textOf(error: unknown): string {
  const description = describeError(error, WORKFLOW_SURFACE);
  return `${description.summary} (${description.code}) ${description.nextStep}`;
}
