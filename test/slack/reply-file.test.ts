import type { ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { BLOCK_KIT_LIMITS, SLACK_LIMITS } from '../../src/slack/block-kit-limits.ts';
import { REPLY_FIELDS, REPLY_MODAL_CALLBACK } from '../../src/slack/ids.ts';
import { describeSentFile, FILE_NAME_SHOWN_MAX, withSentFile } from '../../src/slack/messages/sent-file.ts';
import { buildReplyFileInput } from '../../src/slack/views/reply-file-input.ts';
import { viewIssues } from '../support/block-kit-surfaces.ts';

const modalWith = (block: ModalView['blocks'][number]): ModalView => ({
  type: 'modal',
  callback_id: REPLY_MODAL_CALLBACK,
  title: { type: 'plain_text', text: 'Reply on WhatsApp' },
  submit: { type: 'plain_text', text: 'Send' },
  blocks: [block],
});

describe('the Reply form’s file input', () => {
  it('takes one JPEG, PNG or PDF, optionally, within Slack’s documented file_input limits', () => {
    const input = buildReplyFileInput();
    expect(input).toMatchObject({
      type: 'input',
      block_id: REPLY_FIELDS.file.blockId,
      optional: true,
      element: {
        type: 'file_input',
        action_id: REPLY_FIELDS.file.actionId,
        filetypes: ['jpg', 'jpeg', 'png', 'pdf'],
        max_files: 1,
      },
    });
    expect(viewIssues(modalWith(input))).toEqual([]);
    expect(
      viewIssues(modalWith({ ...input, element: { ...input.element, max_files: 11 } } as never)),
    ).not.toEqual([]);
    expect(BLOCK_KIT_LIMITS.fileInputBytes.source).toBe(
      'https://docs.slack.dev/reference/block-kit/block-elements/file-input-element',
    );
  });

  it('tells each type’s limit as the form carries it (Slack’s 10 MB under Meta’s 100 MB for a PDF)', () => {
    const hint = buildReplyFileInput().hint;
    expect(SLACK_LIMITS.fileInputBytes).toBe(10_000_000);
    expect(hint?.text).toBe(
      'Optional: JPEG or PNG up to 5 MB, or PDF up to 10 MB. The reply above becomes its caption (at most 1,024 characters).',
    );
  });
});

describe('a sent file in a message', () => {
  it('names the file, escaped and cut, with its type as WhatsApp shows it', () => {
    expect(describeSentFile({ name: 'INV-0042.pdf', mimeType: 'application/pdf' })).toBe(
      ':page_facing_up: *INV-0042.pdf* (PDF)',
    );
    expect(describeSentFile({ name: 'parcel.jpg', mimeType: 'image/jpeg' })).toBe(
      ':frame_with_picture: *parcel.jpg* (JPEG)',
    );
    const hostile = describeSentFile({
      name: `<!channel> & <@U1>${'x'.repeat(300)}.pdf`,
      mimeType: 'text/<b>',
    });
    expect(hostile).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(hostile).not.toMatch(/<[!@]/);
    expect(hostile).toContain('(text/&lt;b&gt;)');
    const name = /\*(.*)\*/.exec(hostile)?.[1] ?? '';
    expect(name.length).toBeLessThanOrEqual(FILE_NAME_SHOWN_MAX);
    expect(name.endsWith('…')).toBe(true);
  });

  it('puts the file and its caption under the outcome’s line, within one section', () => {
    const line = '<@UAGENT> replied on WhatsApp to +91 •••• 3210:';
    const file = { name: 'INV-0042.pdf', mimeType: 'application/pdf' };
    expect(withSentFile(line, file, undefined)).toBe(`${line}\n:page_facing_up: *INV-0042.pdf* (PDF)`);
    expect(withSentFile(line, file, 'Invoice <3 &\nThanks')).toBe(
      `${line}\n:page_facing_up: *INV-0042.pdf* (PDF)\n> Invoice &lt;3 &amp;\n> Thanks`,
    );
    const long = withSentFile(line, { ...file, name: '&'.repeat(240) }, '&'.repeat(1_024));
    expect(long.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(long).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });
});
