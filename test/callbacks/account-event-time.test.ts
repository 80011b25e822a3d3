import { describe, expect, it } from 'vitest';
import { readIncomingBody } from '../../src/callbacks/parse-incoming.ts';
import { EVENT_CLOCK_SKEW_MS, eventTime, templateLanguage } from '../../src/services/account-health.ts';
import { numberQualityPayload, templateStatusPayload } from '../support/kaleyra-incoming.ts';

const T = 1_765_090_000;
const read = (body: string) => readIncomingBody(JSON.parse(body) as Record<string, unknown>);

/** The time an account event happened, as each envelope carries it: what orders Meta's events. */
describe('an account event’s time', () => {
  it('is Meta’s entry[].time, or the time beside the change in Kaleyra’s envelopes', () => {
    const values = { event: 'PAUSED', name: 'order_status', language: 'en_US', time: T };
    for (const envelope of ['entry', 'meta_object', 'bare'] as const) {
      const [event] = read(templateStatusPayload(values, envelope)).templateEvents;
      expect(event?.at, envelope).toEqual(new Date(T * 1000));
      expect(event?.language).toBe('en_US');
    }
    const [quality] = read(numberQualityPayload({ event: 'FLAGGED', time: T }, 'entry')).qualityEvents;
    expect(quality?.at).toEqual(new Date(T * 1000));
  });

  it('reads a `timestamp` (seconds or ISO 8601) at the top of the body, and nothing else as a time', () => {
    const change = JSON.parse(templateStatusPayload({ event: 'APPROVED', name: 'order_status' }));
    const seconds = read(JSON.stringify({ ...change, timestamp: String(T) })).templateEvents[0];
    expect(seconds?.at).toEqual(new Date(T * 1000));
    const iso = read(JSON.stringify({ ...change, time: '2026-01-02T03:04:05Z' })).templateEvents[0];
    expect(iso?.at).toEqual(new Date('2026-01-02T03:04:05Z'));
    const junk = read(JSON.stringify({ ...change, time: { at: T } })).templateEvents[0];
    expect(junk?.event).toBe('APPROVED');
    expect(junk?.at).toBeUndefined();
  });

  it('is the receipt time when missing or more than five minutes ahead of it', () => {
    const received = new Date(T * 1000);
    expect(eventTime(undefined, received)).toBe(received);
    const ahead = new Date(received.getTime() + EVENT_CLOCK_SKEW_MS + 1_000);
    expect(eventTime(ahead, received)).toBe(received);
    const slightly = new Date(received.getTime() + 60_000);
    expect(eventTime(slightly, received)).toBe(slightly);
    const older = new Date(received.getTime() - 86_400_000);
    expect(eventTime(older, received)).toBe(older);
  });

  it('keeps one spelling of a language: Meta’s underscore', () => {
    expect(templateLanguage('en-US')).toBe('en_US');
    expect(templateLanguage(' hi ')).toBe('hi');
    expect(templateLanguage(undefined)).toBe('');
  });
});
