import { describe, expect, it } from 'vitest';
import {
  fillSavedReply,
  PLACEHOLDERS,
  parseSavedReplyText,
  previewSavedReply,
  readSavedReplyName,
  readSavedReplyText,
  SAVED_REPLY_NAME_MAX,
} from '../../src/domain/saved-reply.ts';
import { SESSION_TEXT_MAX } from '../../src/domain/session-text.ts';
import { SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';

const issueOf = (read: { ok: true } | { ok: false; issue: string }) => (read.ok ? '' : read.issue);

describe('a saved reply’s name', () => {
  it('is trimmed, spaces folded, and keyed whatever its case or compatibility form', () => {
    expect(readSavedReplyName('  Running   late ')).toEqual({
      ok: true,
      name: 'Running late',
      key: 'running late',
    });
    const keys = ['DELAYED', 'delayed', 'Delayed'].map((n) => readSavedReplyName(n));
    expect(new Set(keys.map((k) => (k.ok ? k.key : '')))).toEqual(new Set(['delayed']));
    // ß folds as SS does; the ligature ﬁ as fi.
    expect(readSavedReplyName('Straße')).toMatchObject({ name: 'Straße', key: 'strasse' });
    expect(readSavedReplyName('STRASSE')).toMatchObject({ key: 'strasse' });
    expect(readSavedReplyName('ﬁnal')).toMatchObject({ name: 'ﬁnal', key: 'final' });
  });

  it('fits a Slack option’s text and value whole', () => {
    expect(SAVED_REPLY_NAME_MAX).toBeLessThanOrEqual(SLACK_LIMITS.optionText);
    expect(SAVED_REPLY_NAME_MAX).toBeLessThanOrEqual(SLACK_LIMITS.optionValue);
    expect(readSavedReplyName('a'.repeat(SAVED_REPLY_NAME_MAX))).toMatchObject({ ok: true });
    expect(issueOf(readSavedReplyName('a'.repeat(SAVED_REPLY_NAME_MAX + 1)))).toBe(
      'The name can be at most 75 characters (agents pick it from a list in Slack).',
    );
    // Counted as Slack counts: an emoji is two units.
    expect(readSavedReplyName('😀'.repeat(38))).toMatchObject({ ok: false });
  });

  it('refuses an empty name, line breaks, control and invisible characters, half an emoji', () => {
    expect(issueOf(readSavedReplyName('   '))).toBe('Give the reply a name.');
    expect(issueOf(readSavedReplyName(undefined))).toBe('Give the reply a name.');
    expect(issueOf(readSavedReplyName('two\nlines'))).toBe('The name must be one line of plain text.');
    expect(issueOf(readSavedReplyName('tab\there'))).toBe('The name must be one line of plain text.');
    expect(issueOf(readSavedReplyName('esc\u001b[31m'))).toBe('The name must be one line of plain text.');
    expect(issueOf(readSavedReplyName('Refund \u202Efdp'))).toContain('RIGHT-TO-LEFT OVERRIDE (U+202E)');
    expect(issueOf(readSavedReplyName('\uFEFFhidden'))).toContain('U+FEFF');
    expect(issueOf(readSavedReplyName('half \uD83D'))).toContain('half an emoji');
  });
});

describe('a saved reply’s text', () => {
  it('names the placeholders it uses, each once, in order', () => {
    expect(readSavedReplyText(' Hi {name}, order {order} is {status}. {name} — {agent} ')).toEqual({
      ok: true,
      text: 'Hi {name}, order {order} is {status}. {name} — {agent}',
      uses: ['name', 'order', 'status', 'agent'],
    });
    expect(readSavedReplyText('No placeholders here.')).toMatchObject({ ok: true, uses: [] });
  });

  it('refuses an unknown placeholder, naming it and every known one', () => {
    const issue = issueOf(readSavedReplyText('Hi {nme}, thanks'));
    expect(issue).toContain('Unknown placeholder {nme}.');
    for (const p of PLACEHOLDERS) expect(issue).toContain(`{${p}}`);
    expect(issue).toContain('Write {{ or }} for a literal brace.');
    expect(issueOf(readSavedReplyText('Hi {Name}'))).toContain(
      'Unknown placeholder {Name}. Write it as {name}.',
    );
    expect(issueOf(readSavedReplyText('Hi { order }'))).toContain('Write it as {order}.');
    expect(issueOf(readSavedReplyText('Hi {}'))).toContain('Unknown placeholder {}.');
  });

  it('writes a literal brace doubled, and refuses a single one that opens or closes nothing', () => {
    expect(parseSavedReplyText('Use {{code}} or }} and {{')).toEqual({
      ok: true,
      parts: [{ text: 'Use {code} or } and {' }],
    });
    expect(parseSavedReplyText('{{{name}}}')).toEqual({
      ok: true,
      parts: [{ text: '{' }, { placeholder: 'name' }, { text: '}' }],
    });
    expect(issueOf(readSavedReplyText('50% off :-}'))).toBe(
      'The } at character 11 closes no placeholder. Write {{ or }} for a literal brace.',
    );
    expect(issueOf(readSavedReplyText('😀 {name'))).toContain('The { at character 3 opens no placeholder');
    // A placeholder is one line and a short word: a { far from any } is not one.
    expect(issueOf(readSavedReplyText('{name\n}'))).toContain('opens no placeholder');
    expect(issueOf(readSavedReplyText(`{${'a'.repeat(30)}}`))).toContain('opens no placeholder');
  });

  it('refuses a doubled-brace placeholder, which would reach the customer as written', () => {
    expect(issueOf(readSavedReplyText('Hi {{name}}, your order'))).toBe(
      '{{name}} would send “{name}” to the customer as written: write {name} for the customer’s WhatsApp name.',
    );
    expect(issueOf(readSavedReplyText('Order {{ Order }}'))).toContain('write {order}');
    // Any other word in literal braces is what its writer asked for.
    expect(readSavedReplyText('Use code {{SAVE10}}')).toMatchObject({ ok: true });
  });

  it('is checked as a reply is: 1 to 4,096 characters, plain text', () => {
    expect(issueOf(readSavedReplyText('  '))).toBe('Write the reply.');
    expect(readSavedReplyText('a'.repeat(SESSION_TEXT_MAX))).toMatchObject({ ok: true });
    expect(issueOf(readSavedReplyText('a'.repeat(SESSION_TEXT_MAX + 1)))).toContain('4,096');
    expect(issueOf(readSavedReplyText('bell\u0007'))).toContain('control characters');
    expect(issueOf(readSavedReplyText('Refund \u202Efdp.exe'))).toContain('RIGHT-TO-LEFT OVERRIDE');
  });
});

describe('filling a saved reply in for a send', () => {
  const values = { name: 'Asha', order: '395001', status: 'shipped', agent: 'Ravi' };

  it('replaces every placeholder and undoubles braces', () => {
    expect(fillSavedReply('Hi {name}, order {order} is {status}. {{Ravi}} = {agent}', values)).toEqual({
      ok: true,
      text: 'Hi Asha, order 395001 is shipped. {Ravi} = Ravi',
    });
  });

  it('refuses, naming the placeholder, when one it uses has no value', () => {
    expect(fillSavedReply('Hi {name}', { ...values, name: undefined })).toEqual({
      ok: false,
      reason: 'unfilled',
      placeholder: 'name',
    });
    expect(fillSavedReply('Hi {name}', { ...values, name: ' \n\u200b ' })).toMatchObject({
      placeholder: 'name',
    });
    expect(fillSavedReply('Order {order}', { name: 'Asha' })).toMatchObject({ placeholder: 'order' });
    // A placeholder it does not use needs no value.
    expect(fillSavedReply('Thanks, {agent}', { agent: 'Ravi' })).toEqual({ ok: true, text: 'Thanks, Ravi' });
  });

  it('puts values in as one line of plain text, never read for placeholders', () => {
    const filled = fillSavedReply('Hi {name}, about {order}', {
      name: '  {order}\n<b>Asha</b>\u202E\u0007  ',
      order: '{{name}}',
    });
    expect(filled).toEqual({ ok: true, text: 'Hi {order} <b>Asha</b>, about {{name}}' });
  });

  it('refuses a reply that is too long once filled in, saying how long', () => {
    const text = `${'a'.repeat(SESSION_TEXT_MAX - 10)} {name}`;
    expect(fillSavedReply(text, { name: 'Short' })).toMatchObject({ ok: true });
    expect(fillSavedReply(text, { name: 'A much longer name' })).toEqual({
      ok: false,
      reason: 'too_long',
      length: SESSION_TEXT_MAX - 10 + 1 + 18,
      max: SESSION_TEXT_MAX,
    });
  });

  it('refuses a stored text that is no longer valid, saying why', () => {
    expect(fillSavedReply('Hi {nme}', values)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('previewSavedReply', () => {
  it('is one line, placeholders as written, cut with … within the figure', () => {
    expect(previewSavedReply('Hi {name},\n\nsee you', 75)).toBe('Hi {name}, see you');
    const cut = previewSavedReply(`${'😀'.repeat(50)}`, 75);
    expect(cut.length).toBeLessThanOrEqual(75);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.isWellFormed()).toBe(true);
  });
});
