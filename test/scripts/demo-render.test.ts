import { describe, expect, it } from 'vitest';
import { renderMrkdwn } from '../../scripts/demo-render.ts';
import { formatActor, formatSlackDate } from '../../src/slack/messages/mrkdwn.ts';

describe('the demo’s rendering of Slack mrkdwn', () => {
  it('shows a date, a mention, bold text and code as the agent reads them in Slack', () => {
    const now = new Date(2026, 10, 29, 17, 42);
    const sentAt = new Date(2026, 10, 29, 17, 40).toISOString();
    const text = `:hourglass: *Already sent* ${formatSlackDate(sentAt)} by ${formatActor('UAGENT01')} (\`wamid.123\`) &amp; more`;
    expect(renderMrkdwn(text, now)).toBe(
      '⌛ \x1b[1mAlready sent\x1b[0m today at 5:40 PM by @UAGENT01 (wamid.123) & more',
    );
    expect(renderMrkdwn(formatSlackDate(new Date(2026, 10, 27, 9, 5).toISOString()), now)).toBe(
      'Nov 27 at 9:05 AM',
    );
  });
});
