import { describe, expect, it } from 'vitest';
import { buildHelpMessage } from '../../src/slack/messages/help.ts';

describe('buildHelpMessage', () => {
  const message = buildHelpMessage();
  const json = JSON.stringify(message.blocks);

  it('gives the syntax and an example', () => {
    expect(message.text).toContain('/orderstatus');
    expect(json).toContain('/orderstatus <customer number> <order reference> <status> [description]');
    expect(json).toContain('/orderstatus +919876543210 395001 shipped');
  });

  it('lists the five statuses and the other accepted spellings', () => {
    for (const status of ['processing', 'partially_shipped', 'shipped', 'completed', 'canceled']) {
      expect(json).toContain(`\`${status}\``);
    }
    expect(json).toContain('cancelled');
    expect(json).toContain('partially-shipped');
  });

  it('mentions the form and the admin settings', () => {
    expect(json).toMatch(/alone.*opens a form/);
    expect(json).toContain('/orderstatus config');
  });

  it('says order references are case-sensitive', () => {
    expect(json).toMatch(/case-sensitive/);
  });

  it('keeps every section within Slack’s 3000 characters', () => {
    for (const block of message.blocks) {
      if (block.type === 'section') expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
  });

  it('shows the workspace’s id, which the CLI’s --team takes', () => {
    const withId = JSON.stringify(buildHelpMessage('T0123ABCD').blocks);
    expect(withId).toContain('This workspace’s id, for the CLI’s `--team`: `T0123ABCD`');
    expect(json).not.toContain('--team');
  });
});
