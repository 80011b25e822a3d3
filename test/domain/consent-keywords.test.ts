import { describe, expect, it } from 'vitest';
import {
  KEYWORD_MAX,
  keywordForm,
  keywordProblem,
  STANDARD_KEYWORDS,
  standardKeyword,
} from '../../src/domain/consent-keywords.ts';

const actionOf = (text: string) => standardKeyword(keywordForm(text));

describe('consent keywords', () => {
  it('reads a message that is only a keyword, in any case, with spaces and punctuation around it', () => {
    for (const text of [
      'STOP',
      'stop',
      'Stop.',
      '  stop!!  ',
      '"STOP"',
      '¡Stop!',
      'stop 🛑',
      '🛑 STOP ✋🏽',
      '…optout…',
    ]) {
      expect(actionOf(text), text).toBe('opt_out');
    }
    for (const word of ['STOPALL', 'unsubscribe', 'OptOut']) expect(actionOf(word)).toBe('opt_out');
    for (const word of ['start', 'UNSTOP', 'Subscribe!', '  START.  ']) expect(actionOf(word)).toBe('opt_in');
    // Full-width letters (some keyboards) read as the same word.
    expect(actionOf('ＳＴＯＰ')).toBe('opt_out');
  });

  it('never reads a keyword inside a longer message', () => {
    for (const text of [
      "please don't stop my order",
      'stop sending me this',
      'STOP ALL',
      'S.T.O.P',
      'stopp',
      'where is my order? stop',
      'START my order',
      // Words of an order conversation ("cancel my order", "end") are not opt-outs unless admins add them.
      'Cancel',
      'END',
      'quit',
      'OPT OUT',
      '',
      '   ',
      '!!!',
    ]) {
      expect(actionOf(text), text).toBeUndefined();
    }
    expect(keywordForm(undefined)).toBeUndefined();
  });

  it('reads hostile input in linear time: 10,000 characters of punctuation, spaces or letters around STOP', () => {
    const inputs = [
      `${'!'.repeat(5_000)}STOP${'!'.repeat(5_000)}`,
      `${' '.repeat(9_996)}stop`,
      'a'.repeat(10_000),
      `${'! '.repeat(5_000)}`,
      `STOP${' x'.repeat(5_000)}`,
    ];
    const actions = inputs.map(actionOf);
    expect(actions).toEqual(['opt_out', 'opt_out', undefined, undefined, undefined]);
  });

  it('keeps a keyword of up to KEYWORD_MAX characters, words one space apart, marks with their letters', () => {
    expect(keywordForm('  no   more!  ')).toBe('NO MORE');
    expect(keywordForm('रुको।')).toBe('रुको');
    expect(keywordForm('x'.repeat(KEYWORD_MAX))).toBe('X'.repeat(KEYWORD_MAX));
    expect(keywordForm('x'.repeat(KEYWORD_MAX + 1))).toBeUndefined();
  });

  it('tells an admin why a keyword cannot be added', () => {
    expect(keywordProblem(keywordForm('Parar'))).toBeUndefined();
    expect(keywordProblem(keywordForm('stop'))).toBe('STOP is already a standard keyword.');
    expect(keywordProblem(keywordForm('???'))).toMatch(/^A keyword is 1–40/);
    expect(keywordProblem(keywordForm('cancel'))).toBeUndefined();
    expect([...STANDARD_KEYWORDS.keys()].sort()).toEqual([
      'OPTOUT',
      'START',
      'STOP',
      'STOPALL',
      'SUBSCRIBE',
      'UNSTOP',
      'UNSUBSCRIBE',
    ]);
  });
});
