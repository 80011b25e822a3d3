import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, isRawBodyError } from '@slack/bolt';

export type SlackRequestGuardOptions = {
  signingSecret: string;
  bodyLimit: number;
  onRefused?: (status: number, reason: string) => void;
};

/** A Slack payload as Bolt receives it: the parsed form fields, or the JSON body. */
export type SlackPayload = Record<string, unknown>;

/**
 * Reads and checks a POST to the events endpoint before Bolt sees it, and parses it once. It closes
 * four gaps in Bolt's own receiver:
 * - a Content-Length over the limit is refused at once, not after waiting for a body that may never come;
 * - `ssl_check` must be signed too (Bolt answers it unsigned);
 * - a timestamp from the future is refused like a stale one (a replay window is both);
 * - a signed body that parses to something other than an object (`payload=null`) is refused with 400
 *   (Bolt's receiver would throw outside any handler, leaving the request hanging as an unhandled rejection).
 * Resolves the payload when Bolt should handle the request; undefined when it has been answered here.
 */
export async function readSlackRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: SlackRequestGuardOptions,
): Promise<SlackPayload | undefined> {
  const refuse = (status: number, reason: string, close = false): undefined => {
    options.onRefused?.(status, reason);
    if (!res.headersSent) {
      res.writeHead(status, close ? { connection: 'close' } : {});
      res.end();
    }
    return undefined;
  };

  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.bodyLimit) {
    return refuse(413, 'declared body over the limit', true);
  }
  let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, options.bodyLimit);
  } catch (error) {
    if (isRawBodyError(error) && error.statusCode === 413) return refuse(413, 'body over the limit');
    return refuse(400, 'body could not be read');
  }

  const signed = verifySlackSignature(
    options.signingSecret,
    buffered.rawBody.toString(),
    req.headers['x-slack-signature'],
    req.headers['x-slack-request-timestamp'],
  );
  if (!signed) return refuse(401, 'signature missing or invalid');
  return parsePayload(buffered) ?? refuse(400, 'body is not a Slack payload');
}

const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<body>` under the signing secret, with the
 * timestamp within five minutes of now either way. This is the only check (Bolt's own is off).
 */
export function verifySlackSignature(
  signingSecret: string,
  body: string,
  signature: string | string[] | undefined,
  timestamp: string | string[] | undefined,
  nowMs = Date.now(),
): boolean {
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return false;
  if (!signature.startsWith('v0=')) return false;
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Bolt's own parse (form fields, a `payload` field, or JSON), done once; only an object is a payload. */
function parsePayload(
  buffered: Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0],
): SlackPayload | undefined {
  let value: unknown;
  try {
    value = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as SlackPayload)
    : undefined;
}
