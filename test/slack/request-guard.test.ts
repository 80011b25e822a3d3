import { describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../src/slack/request-guard.ts';

// Slack's published example (docs: verifying requests from Slack).
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const at = (offsetSeconds: number) => (Number(TIMESTAMP) + offsetSeconds) * 1000;

describe('verifySlackSignature', () => {
  it('accepts Slack’s published example', () => {
    expect(verifySlackSignature(SECRET, BODY, SIGNATURE, TIMESTAMP, at(0))).toBe(true);
  });

  it('accepts up to 300 s of clock difference either way, and refuses 301', () => {
    expect(verifySlackSignature(SECRET, BODY, SIGNATURE, TIMESTAMP, at(300))).toBe(true);
    expect(verifySlackSignature(SECRET, BODY, SIGNATURE, TIMESTAMP, at(-300))).toBe(true);
    expect(verifySlackSignature(SECRET, BODY, SIGNATURE, TIMESTAMP, at(301))).toBe(false);
    expect(verifySlackSignature(SECRET, BODY, SIGNATURE, TIMESTAMP, at(-301))).toBe(false);
  });

  it.each([
    ['another secret', 'x'.repeat(32), BODY, SIGNATURE, TIMESTAMP],
    ['a changed body', SECRET, `${BODY}&x=1`, SIGNATURE, TIMESTAMP],
    ['another version', SECRET, BODY, SIGNATURE.replace('v0=', 'v1='), TIMESTAMP],
    ['a truncated signature', SECRET, BODY, SIGNATURE.slice(0, -2), TIMESTAMP],
    ['no signature', SECRET, BODY, undefined, TIMESTAMP],
    ['no timestamp', SECRET, BODY, SIGNATURE, undefined],
    ['a non-numeric timestamp', SECRET, BODY, SIGNATURE, '1531420618.5'],
    ['repeated headers', SECRET, BODY, [SIGNATURE, SIGNATURE], TIMESTAMP],
  ] as const)('refuses %s', (_what, secret, body, signature, timestamp) => {
    expect(verifySlackSignature(secret, body, signature as string | undefined, timestamp, at(0))).toBe(false);
  });
});
