import { describe, expect, it } from 'vitest';
import {
  describeTimeLeft,
  REPLY_WINDOW_MS,
  replyWindowOf,
  SESSION_TEXT_MAX,
  validateReplyText,
} from '../../src/domain/session-text.ts';

describe('validateReplyText', () => {
  it('takes 1 to 4,096 characters after trimming, on several lines', () => {
    expect(validateReplyText('  Your parcel leaves the depot today.\nSorry for the wait. ')).toEqual({
      ok: true,
      text: 'Your parcel leaves the depot today.\nSorry for the wait.',
    });
    expect(validateReplyText(` ${'a'.repeat(SESSION_TEXT_MAX)} `)).toMatchObject({ ok: true });
    const long = validateReplyText('a'.repeat(SESSION_TEXT_MAX + 1));
    expect(long).toMatchObject({ ok: false });
    expect(long.ok ? '' : long.issue).toContain('4,096');
    expect(validateReplyText(' \n\t ')).toEqual({ ok: false, issue: 'Write the reply.' });
    expect(validateReplyText(undefined)).toMatchObject({ ok: false });
  });

  it('refuses invisible format characters, naming them, and other control characters', () => {
    const hidden = validateReplyText('Refund \u202Efdp.exe');
    expect(hidden.ok ? '' : hidden.issue).toContain('RIGHT-TO-LEFT OVERRIDE (U+202E) at character 8');
    // JavaScript's trim would remove a leading U+FEFF; it is refused, not hidden.
    expect(validateReplyText('\uFEFFhello')).toMatchObject({ ok: false });
    expect(validateReplyText('bell\u0007')).toMatchObject({ ok: false });
    expect(validateReplyText('half \uD83D emoji')).toMatchObject({ ok: false });
    // Joiners that scripts and emoji need stay allowed.
    expect(validateReplyText('👩\u200D💻 क्‍ष')).toMatchObject({ ok: true });
  });
});

describe('replyWindowOf', () => {
  const sent = new Date('2025-12-07T06:46:40.000Z');
  const minute = 60_000;

  it('is open until 24 hours after the customer’s message, and closed from then on', () => {
    const open = replyWindowOf(sent, sent.getTime() + REPLY_WINDOW_MS - minute);
    expect(open).toEqual({
      open: true,
      lastMessageAt: sent,
      closesAt: new Date(sent.getTime() + REPLY_WINDOW_MS),
      leftMs: minute,
    });
    expect(replyWindowOf(sent, sent.getTime() + REPLY_WINDOW_MS)).toEqual({
      open: false,
      lastMessageAt: sent,
    });
    expect(replyWindowOf(undefined, sent.getTime())).toEqual({ open: false, lastMessageAt: undefined });
  });

  it('says the time left in hours and minutes, rounded down', () => {
    expect(describeTimeLeft(5 * 3_600_000 + 12 * minute + 59_000)).toBe('5 h 12 min');
    expect(describeTimeLeft(2 * 3_600_000)).toBe('2 h');
    expect(describeTimeLeft(40 * minute)).toBe('40 min');
    expect(describeTimeLeft(59_000)).toBe('under a minute');
  });
});
