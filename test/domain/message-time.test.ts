import { describe, expect, it } from 'vitest';
import {
  keptSentAt,
  STAMP_AHEAD_MAX_MS,
  wholeSeconds,
  windowStartOf,
} from '../../src/domain/message-time.ts';

const receivedAt = new Date('2026-12-01T10:00:00.000Z');
const shifted = (ms: number) => new Date(receivedAt.getTime() + ms);

describe('a customer message’s time', () => {
  it('keeps a stamp up to STAMP_AHEAD_MAX_MS after receipt, and the receipt time for one further ahead', () => {
    expect(STAMP_AHEAD_MAX_MS).toBe(5 * 60_000);
    expect(keptSentAt(shifted(-3_600_000), receivedAt)).toEqual(shifted(-3_600_000));
    expect(keptSentAt(shifted(STAMP_AHEAD_MAX_MS), receivedAt)).toEqual(shifted(STAMP_AHEAD_MAX_MS));
    expect(keptSentAt(shifted(STAMP_AHEAD_MAX_MS + 1000), receivedAt)).toEqual(receivedAt);
    expect(keptSentAt(shifted(5 * 365 * 86_400_000), receivedAt)).toEqual(receivedAt);
  });

  it('counts the window from the earlier of its time and its receipt', () => {
    expect(windowStartOf(shifted(60_000), receivedAt)).toEqual(receivedAt);
    expect(windowStartOf(shifted(-60_000), receivedAt)).toEqual(shifted(-60_000));
  });

  it('compares consent changes in WhatsApp’s whole seconds', () => {
    expect(wholeSeconds(shifted(999))).toEqual(receivedAt);
    expect(wholeSeconds(shifted(-1))).toEqual(shifted(-1000));
  });
});
