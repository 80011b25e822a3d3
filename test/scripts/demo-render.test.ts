import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMrkdwn } from '../../scripts/demo-render.ts';
import { formatActor, formatSlackDate } from '../../src/slack/messages/mrkdwn.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('the demo’s rendering of Slack mrkdwn', () => {
  it('shows a date, a mention, bold text and code as the agent reads them in Slack', () => {
    const now = new Date(2026, 10, 29, 17, 42);
    const sentAt = new Date(2026, 10, 29, 17, 40).toISOString();
    const text = `:hourglass: *Already sent* ${formatSlackDate(sentAt)} by ${formatActor('UAGENT01')} (\`wamid.123\`) &amp; more`;
    const bold = (words: string) => `\x1b[1m${words}\x1b[0m`;
    expect(renderMrkdwn(text, now, bold)).toBe(
      '⌛ \x1b[1mAlready sent\x1b[0m today at 5:40 PM by @UAGENT01 (wamid.123) & more',
    );
    expect(renderMrkdwn(formatSlackDate(new Date(2026, 10, 27, 9, 5).toISOString()), now)).toBe(
      'Nov 27 at 9:05 AM',
    );
  });

  it('writes no colour codes when stdout is not a terminal, unless FORCE_COLOR asks for them', () => {
    const printed = (env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "const m = await import('./scripts/demo-render.ts'); process.stdout.write(m.bold('Sent') + m.dim('!') + m.renderMrkdwn('*Read*'));",
        ],
        { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' },
      );
    expect(printed({})).toBe('Sent!Read');
    expect(printed({ NO_COLOR: '1' })).toBe('Sent!Read');
    expect(printed({ FORCE_COLOR: '1' })).toContain('\x1b[1mSent');
  });
});
