import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  codeWithin,
  cutMrkdwn,
  escapeCode,
  escapeMrkdwn,
  escapeWithin,
  quote,
  quoteWithin,
} from '../../src/slack/messages/mrkdwn.ts';
import { grownText } from '../support/arbitraries.ts';

/** The one way outside text is bounded for Slack: escaped first, then cut as sent. */

const PARTIAL_ENTITY = /&(?!amp;|lt;|gt;)/;
/** A cut that left the first half of a pair the whole text has (a lone half in the text may stay). */
const splitsAPair = (cut: string, whole: string) =>
  /[\ud800-\udbff]$/.test(cut) && /^[\udc00-\udfff]/.test(whole.slice(cut.length));

describe('escape, then cut to N characters as sent', () => {
  it('never passes N, never splits an entity or a surrogate pair, and marks a cut with …', () => {
    const max = fc.integer({ min: 1, max: 3000 });
    fc.assert(
      fc.property(grownText(4000), max, (text, n) => {
        for (const [bounded, whole] of [
          [escapeWithin(text, n), escapeMrkdwn(text)],
          [codeWithin(text, n), escapeCode(text)],
          [quoteWithin(text, n), quote(escapeMrkdwn(text))],
        ] as const) {
          expect(bounded.length).toBeLessThanOrEqual(n);
          if (whole.length <= n) expect(bounded).toBe(whole);
          else expect(bounded.endsWith('…')).toBe(true);
          if (!PARTIAL_ENTITY.test(whole)) expect(bounded).not.toMatch(PARTIAL_ENTITY);
          const kept = bounded.replace(/…$/, '');
          expect(splitsAPair(kept, whole)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a text of 3,000 `&` to whole entities', () => {
    const cut = escapeWithin('&'.repeat(3000), 3000);
    expect(cut).toBe(`${'&amp;'.repeat(599)}…`);
    expect(cutMrkdwn('see <@U123ABC> now', 10)).toBe('see …');
    expect(cutMrkdwn('😀😀😀', 4)).toBe('😀…');
  });
});
