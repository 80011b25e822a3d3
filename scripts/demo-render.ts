import { styleText } from 'node:util';

/**
 * Bold and dim text on stdout, only where it shows: styleText leaves the codes out when stdout is not
 * a terminal (a file, a pipe) and honours NO_COLOR and FORCE_COLOR.
 */
export const bold = (text: string): string => styleText('bold', text, { stream: process.stdout });
export const dim = (text: string): string => styleText('dim', text, { stream: process.stdout });

// The emoji codes orderstatus's messages use, as Slack draws them.
const EMOJI: Record<string, string> = {
  gear: '⚙️',
  hourglass: '⌛',
  lock: '🔒',
  outbox_tray: '📤',
  warning: '⚠️',
  white_check_mark: '✅',
};

/**
 * Slack mrkdwn as an agent reads it in Slack, for a terminal: dates in the reader's time, mentions as
 * @names, links as their text, *bold* in bold, `code` without its backticks, emoji, entities decoded.
 */
export function renderMrkdwn(text: string, now = new Date(), strong = bold): string {
  return text
    .replace(/:([a-z_]+):/g, (code: string, name: string) => EMOJI[name] ?? code)
    .replace(/<!date\^(\d+)\^([^|>]*)(?:\|[^>]*)?>/g, (_match, unix: string, format: string) =>
      renderDate(new Date(Number(unix) * 1000), format, now),
    )
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<(https?:[^|>]+)\|([^>]*)>/g, '$2')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(
      /(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g,
      (_match, before: string, words: string) => `${before}${strong(words)}`,
    )
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Slack's `{date_short_pretty}` ("today", "yesterday", "Nov 29") and `{time}` ("5:42 PM"), in local time. */
function renderDate(date: Date, format: string, now: Date): string {
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(now) - day(date)) / 86_400_000);
  const pretty =
    days === 0
      ? 'today'
      : days === 1
        ? 'yesterday'
        : date.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
  const time = date.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit' });
  return format.replace('{date_short_pretty}', pretty).replace('{time}', time);
}
