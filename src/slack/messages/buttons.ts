import type { ActionsBlock, Button, ConfirmationDialog } from '@slack/types';

/** One button as the builders describe it; `text` is plain text (Slack does not render mrkdwn there). */
export type ButtonSpec = {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmationDialog;
};

/** An actions block of these buttons (in order). */
export function buildActions(buttons: readonly ButtonSpec[], blockId?: string): ActionsBlock {
  const elements = buttons.map(
    (button): Button => ({
      type: 'button',
      action_id: button.actionId,
      text: { type: 'plain_text', text: button.text },
      value: button.value,
      ...(button.style ? { style: button.style } : {}),
      ...(button.confirm ? { confirm: button.confirm } : {}),
    }),
  );
  return { type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements };
}
