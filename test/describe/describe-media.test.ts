import { describe, expect, it } from 'vitest';
import { cliSurface } from '../../src/cli/cli-surface.ts';
import { describeError } from '../../src/describe/describe-error.ts';
import { describeAllowedMedia } from '../../src/describe/describe-media.ts';
import { MEGABYTE, type MediaProblem } from '../../src/domain/media-rules.ts';
import { MediaRefusedError } from '../../src/errors/media-refused-error.ts';
import { SLACK_SURFACE } from '../../src/slack/messages/slack-surface.ts';

const described = (problem: MediaProblem, surface = SLACK_SURFACE) =>
  describeError(new MediaRefusedError(problem), surface);

describe('describing a file that could not be sent', () => {
  it('says what is allowed, from the one table', () => {
    expect(describeAllowedMedia()).toBe('JPEG or PNG up to 5 MB, or PDF up to 100 MB');
    expect(describeAllowedMedia(10 * MEGABYTE)).toBe('JPEG or PNG up to 5 MB, or PDF up to 10 MB');
  });

  it('gives each refusal its own code, what happened and what to do, nothing sent', () => {
    const cases: Array<[MediaProblem, string, RegExp, RegExp]> = [
      [
        { kind: 'type', name: 'clip.mp4', mimeType: 'video/mp4' },
        'FILE_TYPE_NOT_ALLOWED',
        /“clip\.mp4” is `video\/mp4`, which orderstatus does not send, so nothing was sent\./,
        /JPEG or PNG photo, or a PDF\. WhatsApp takes JPEG or PNG up to 5 MB, or PDF up to 100 MB/,
      ],
      [
        { kind: 'name_mismatch', name: 'invoice.docx', mimeType: 'application/pdf', extension: 'docx' },
        'FILE_NAME_MISMATCH',
        /“invoice\.docx” ends in \.docx but is a PDF file/,
        /Rename it to end in \.pdf/,
      ],
      [
        { kind: 'too_large', name: 'parcel.jpg', mimeType: 'image/jpeg', size: 7_340_032 },
        'FILE_TOO_LARGE',
        /“parcel\.jpg” is 7\.3 MB; WhatsApp takes a JPEG of at most 5 MB/,
        /smaller photo/,
      ],
      [
        { kind: 'too_large', name: 'scan.pdf', mimeType: 'application/pdf', size: 150_000_000 },
        'FILE_TOO_LARGE',
        /is 150 MB; WhatsApp takes a PDF of at most 100 MB/,
        /compress it, or split it/,
      ],
      [
        { kind: 'too_large', name: 'parcel.png', mimeType: 'image/png', size: 5_000_001 },
        'FILE_TOO_LARGE',
        /is 5,000,001 bytes; WhatsApp takes a PNG of at most 5,000,000 bytes \(5 MB\)/,
        /smaller photo/,
      ],
      [{ kind: 'empty', name: 'a.pdf' }, 'FILE_EMPTY', /“a\.pdf” is empty/, /again/],
      [
        { kind: 'content_mismatch', name: 'photo.jpg', mimeType: 'image/jpeg' },
        'FILE_CONTENT_MISMATCH',
        /is not a JPEG file inside/,
        /real JPEG, PNG or PDF/,
      ],
      [
        { kind: 'caption', issue: 'A caption can be at most 1,024 characters (WhatsApp’s limit).' },
        'CAPTION_INVALID',
        /cannot be its caption: A caption can be at most 1,024/,
        /at most 1,024 characters/,
      ],
      [
        { kind: 'unavailable', why: 'not_found' },
        'FILE_NOT_FOUND',
        /no longer in Slack/,
        /Attach the file again/,
      ],
      [{ kind: 'unavailable', why: 'no_access' }, 'FILE_NO_ACCESS', /files:read/, /reinstall/],
      [
        { kind: 'unavailable', why: 'unreachable', code: 'ratelimited' },
        'FILE_UNREACHABLE',
        /Slack did not give the file \(`ratelimited`\)/,
        /Try again in a minute/,
      ],
      [
        { kind: 'no_public_url' },
        'NO_PUBLIC_URL',
        /none is set \(PUBLIC_URL\)/,
        /sets PUBLIC_URL to the app’s public https address/,
      ],
    ];
    for (const [problem, code, summary, nextStep] of cases) {
      const description = described(problem);
      expect(description.code).toBe(code);
      expect(description.summary).toMatch(summary);
      if (problem.kind !== 'unavailable' || problem.why !== 'unreachable') {
        expect(description.summary).toMatch(/nothing was sent\.$/);
      }
      expect(description.nextStep).toMatch(nextStep);
    }
  });

  it('makes a file’s name inert in Slack', () => {
    const hostile = described({ kind: 'empty', name: '<!channel> & <https://evil|x>.pdf' });
    expect(hostile.summary).toContain('&lt;!channel&gt; &amp; &lt;https://evil|x&gt;.pdf');
    expect(hostile.summary).not.toContain('<!channel>');
    const cli = described({ kind: 'empty', name: '<b>.pdf' }, cliSurface({ team: 'T1' }));
    expect(cli.summary).toContain('“<b>.pdf” is empty');
  });
});
