import type { ConfirmationDialog } from '@slack/types';

/** The "are you sure?" a button asks before it acts: a title, what happens, and the two answers. */
export function buildConfirmDialog(dialog: {
  title: string;
  text: string;
  confirm: string;
  deny: string;
  style?: 'danger' | 'primary';
}): ConfirmationDialog {
  const plain = (text: string) => ({ type: 'plain_text' as const, text });
  return {
    title: plain(dialog.title),
    text: plain(dialog.text),
    confirm: plain(dialog.confirm),
    deny: plain(dialog.deny),
    ...(dialog.style ? { style: dialog.style } : {}),
  };
}
