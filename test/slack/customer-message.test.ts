import type { ActionsBlock, ContextBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { CUSTOMER_TEXT_MAX } from '../../src/domain/customer-text.ts';
import { SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';
import {
  buildCustomerMessage,
  type CustomerMessageInput,
  fitQuoted,
  QUOTED_TEXT_MAX,
} from '../../src/slack/conversation/customer-message.ts';
import { REPLY_ACTION } from '../../src/slack/ids.ts';

const base: CustomerMessageInput = {
  incomingId: 'in-1',
  customerName: 'Samuel',
  customerMasked: '+91 •••• 3210',
  type: 'text',
  text: 'Where is my parcel?',
  sentAt: new Date('2025-03-01T10:00:00Z'),
};

const sections = (input: Partial<CustomerMessageInput>) =>
  buildCustomerMessage({ ...base, ...input })
    .blocks.filter((b): b is SectionBlock => b.type === 'section')
    .map((b) => b.text?.text ?? '');
const contextText = (input: Partial<CustomerMessageInput>) =>
  buildCustomerMessage({ ...base, ...input })
    .blocks.filter((b): b is ContextBlock => b.type === 'context')
    .map((b) => JSON.stringify(b.elements))
    .join('\n');

describe('buildCustomerMessage', () => {
  it('names the customer (masked number), quotes the text, dates it, and carries a Reply button with the message id', () => {
    const message = buildCustomerMessage(base);
    const [who, text] = sections({});
    expect(who).toContain('*Samuel* (+91 •••• 3210)');
    expect(who).toContain('<!date^1740823200^');
    expect(text).toBe('> Where is my parcel?');
    const actions = message.blocks.find((b): b is ActionsBlock => b.type === 'actions');
    expect(actions?.elements[0]).toMatchObject({ type: 'button', action_id: REPLY_ACTION, value: 'in-1' });
    expect(message.text).toBe('*Samuel* (+91 •••• 3210): Where is my parcel?');
    expect(JSON.stringify(message)).not.toContain('<@');
  });

  it('makes the customer’s text and name inert: no mention, no masked link, no @channel', () => {
    const hostile = '<!channel> <@U123> <https://evil.example|x> @channel & @here';
    const message = buildCustomerMessage({ ...base, customerName: '<!here> Eve', text: hostile });
    const json = JSON.stringify(message);
    for (const live of ['<!channel>', '<@U123>', '<https://evil', '<!here>'])
      expect(json).not.toContain(live);
    const [who, text] = sections({ customerName: '<!here> Eve', text: hostile });
    expect(who).toContain('&lt;!here&gt; Eve');
    expect(text).toBe(
      '> &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|x&gt; @\u2060channel &amp; @\u2060here',
    );
    expect(message.text).toContain('&lt;!channel&gt;');
  });

  it('mentions the agent only when told to (the order’s first message), in the text too', () => {
    const first = buildCustomerMessage({ ...base, mention: 'UAGENT' });
    expect(sections({ mention: 'UAGENT' })[0]).toMatch(/^<@UAGENT> /);
    expect(first.text).toMatch(/^<@UAGENT> /);
    // Only a Slack user id is ever mentioned.
    expect(JSON.stringify(buildCustomerMessage({ ...base, mention: 'cli' }))).not.toContain('<@');
  });

  it('names the order and says why when it is not in the order’s thread', () => {
    const [who] = sections({ referenceId: '395001', note: 'Could not post in the thread.' });
    expect(who).toContain('about order `395001`');
    expect(contextText({ note: 'Could not post in the thread.' })).toContain('Could not post in the thread.');
  });

  it('shows exactly the cut length uncut, and cuts one more with a note saying how much', () => {
    const exact = 'a'.repeat(CUSTOMER_TEXT_MAX);
    expect(sections({ text: exact })[1]).toBe(`> ${exact}`);
    expect(contextText({ text: exact })).not.toContain('Cut to');
    const over = `${exact}b`;
    expect(sections({ text: over })[1]).toBe(`> ${exact}`);
    expect(contextText({ text: over })).toContain('Cut to its first 2,500 of 2,501 characters');
  });

  it('measures the text as Slack will see it: escaped and quoted, within a section', () => {
    for (const char of ['<', '&', '\n', '@']) {
      const text = char.repeat(4096);
      const fitted = fitQuoted(text);
      expect(fitted.cut).toBe(true);
      expect(fitted.mrkdwn.length).toBeLessThanOrEqual(QUOTED_TEXT_MAX);
      for (const section of sections({ text }))
        expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    // At the limit: 599 ampersands (2 + 599 × 5 = 2,997) fit, one more would not.
    const amps = fitQuoted('&'.repeat(600));
    expect(amps.shown).toBe(599);
    expect(amps.mrkdwn.length).toBe(2997);
    expect(fitQuoted('&'.repeat(599)).cut).toBe(false);
  });

  it('shows what each kind of message carries', () => {
    expect(sections({ type: 'button', text: 'Yes, today' })[1]).toBe(
      ':radio_button: Tapped the quick reply *Yes, today*',
    );
    expect(sections({ type: 'interactive', text: 'Reschedule' })[1]).toBe(
      ':ballot_box_with_check: Chose *Reschedule*',
    );
    expect(sections({ type: 'reaction', text: '👍' })[1]).toBe('Reacted 👍 to a message');
    expect(sections({ type: 'reaction', text: undefined })[1]).toBe('Took back a reaction');
    expect(sections({ type: 'contacts', text: 'Ravi <b>' })[1]).toBe(
      ':bust_in_silhouette: Shared a contact: *Ravi &lt;b&gt;*',
    );
    expect(sections({ type: 'unsupported', text: undefined })[1]).toContain('does not pass on');
    expect(sections({ type: 'poll', text: 'hmm' })[1]).toContain('(`poll`)');
  });

  it('links media (https only) with its type, file name and caption, never its bytes', () => {
    const media = { url: 'https://media.kaleyra.example/a b/x.jpg?sig=1&e=2|3', mimeType: 'image/jpeg' };
    const [, line, caption] = sections({ type: 'image', text: 'The box <is> torn', media });
    expect(line).toBe(
      ':paperclip: *Photo* (image/jpeg): <https://media.kaleyra.example/a%20b/x.jpg?sig=1&amp;e=2%7C3|open it>',
    );
    expect(caption).toBe('> The box &lt;is&gt; torn');
    const doc = sections({
      type: 'document',
      text: undefined,
      media: { url: 'https://m.example/f', filename: 'invoice.pdf' },
    });
    expect(doc[1]).toBe(':paperclip: *Document* (invoice.pdf): <https://m.example/f|open it>');
    expect(doc).toHaveLength(2);
    const plain = sections({ type: 'audio', text: undefined, media: { url: 'http://m.example/a.ogg' } });
    expect(plain[1]).toBe(
      ':paperclip: *Voice message or audio*: Kaleyra sent no https link to it that Slack can show.',
    );
    expect(sections({ type: 'video', media: {} })[1]).toContain('*Video*');
    expect(sections({ type: 'sticker', media: {} })[1]).toContain('*Sticker*');
  });

  it('shows a location as a map link, named when it has a name', () => {
    const location = { latitude: 12.9716, longitude: 77.5946, name: 'Home <3', address: 'MG Road & 1st' };
    expect(sections({ type: 'location', text: undefined, location })[1]).toBe(
      ':round_pushpin: Shared a location: <https://www.google.com/maps/search/?api=1&amp;query=12.9716,77.5946|Home &lt;3>\nMG Road &amp; 1st',
    );
    expect(sections({ type: 'location', location: { latitude: 95, longitude: 0 } })[1]).toContain(
      'without coordinates',
    );
  });

  it('says what a consent keyword did, and offers no Reply to someone who asked to stop', () => {
    const stop = buildCustomerMessage({ ...base, text: 'STOP', keyword: 'opt_out' });
    // The consent notice's own words (consent-notice.ts), with when and the keyword.
    expect(JSON.stringify(stop)).toContain('opted out of WhatsApp messages from this business number');
    expect(JSON.stringify(stop)).toContain('by sending `STOP`');
    expect(stop.blocks.some((b) => b.type === 'actions')).toBe(false);
    const start = buildCustomerMessage({ ...base, text: 'START', keyword: 'opt_in' });
    expect(JSON.stringify(start)).toContain('opted back in');
    expect(start.blocks.some((b) => b.type === 'actions')).toBe(true);
  });

  it('says a keyword that came too late changed nothing, and offers Reply (the guard decides)', () => {
    const late = buildCustomerMessage({ ...base, text: 'STOP', keyword: 'opt_out', keywordLate: true });
    const json = JSON.stringify(late);
    expect(json).toContain('asked to opt out');
    expect(json).toContain('it changed nothing (the newest word decides)');
    expect(json).not.toContain('Nothing more is sent');
    expect(late.blocks.some((b) => b.type === 'actions')).toBe(true);
  });

  it('names the word for a text only: a quick reply’s own line says what was tapped', () => {
    const tapped = buildCustomerMessage({
      ...base,
      type: 'button',
      text: 'Stop promotions',
      keyword: 'opt_out',
    });
    expect(JSON.stringify(tapped)).toContain('Tapped the quick reply *Stop promotions*');
    expect(JSON.stringify(tapped)).not.toContain('by sending');
  });

  it('keeps the notification text short', () => {
    expect(buildCustomerMessage({ ...base, text: 'x'.repeat(4096) }).text.length).toBeLessThanOrEqual(300);
  });
});
