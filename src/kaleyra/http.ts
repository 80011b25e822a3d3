import ky, { isTimeoutError, type KyInstance, type Options } from 'ky';

export const DEFAULT_KALEYRA_TIMEOUT_MS = 15_000;
// setTimeout's ceiling; ky refuses anything larger.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The most of an answer's body that is read (Kaleyra's answers are a few hundred bytes). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The one ky instance every call to Kaleyra goes through (the send and the template list). Its rules:
 * - never retried (`retry: 0`): a WhatsApp send repeated automatically could reach the customer twice;
 * - every status is an answer to read (`throwHttpErrors: false`): Kaleyra's error bodies carry its code;
 * - a redirect is not followed (`redirect: 'manual'`): following it would turn the POST into a second
 *   request (a GET) somewhere else; the 3xx is read like any other refusal.
 * Each exchange brings its own budget (`exchange`): the send's is a setting, the template list's shorter.
 */
export function createKaleyraHttp(options: { fetch?: typeof fetch } = {}): KyInstance {
  return ky.create({
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    timeout: DEFAULT_KALEYRA_TIMEOUT_MS,
    ...(options.fetch !== undefined && { fetch: options.fetch }),
  });
}

export function checkTimeout(timeoutMs: number): number {
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(
      `Kaleyra timeoutMs must be a positive whole number of milliseconds, got ${timeoutMs}.`,
    );
  }
  return timeoutMs;
}

/** An answer: its status, and its body (undefined when it was over MAX_BODY_BYTES or broke off). */
export type Answer = {
  status: number;
  ok: boolean;
  text: string | undefined;
  /** Why the body could not be read, when it broke off (not when it was too long). */
  bodyError?: unknown;
};

/** The budget ran out: before the answer arrived, or (with its status) while its body was read. */
export class OutOfTimeError extends Error {
  override name = 'OutOfTimeError' as const;
  readonly status: number | undefined;
  constructor(status?: number) {
    super('Kaleyra did not answer in time');
    this.status = status;
  }
}

/**
 * One exchange, answer and body, within `timeoutMs` in all. The body is read here rather than by ky's
 * `.text()`: that reads it whole, and this stops at MAX_BODY_BYTES (an afterResponse hook could cap it
 * too, but ky clones the answer for every hook, and that clone cost a send more CPU than ky itself).
 * Throws OutOfTimeError, or before any answer what ky threw (NetworkError, or a given fetch's own error).
 */
export async function exchange(
  http: KyInstance,
  url: string,
  init: Pick<Options, 'method' | 'headers' | 'json'>,
  timeoutMs: number,
): Promise<Answer> {
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(new OutOfTimeError()), timeoutMs);
  let status: number | undefined;
  try {
    // ky's own timeouts get the same budget, so its 10 s default cannot cut in first.
    const response = await http(url, {
      ...init,
      timeout: timeoutMs,
      totalTimeout: timeoutMs,
      signal: budget.signal,
    });
    status = response.status;
    try {
      return { status, ok: response.ok, text: await readCapped(response) };
    } catch (error) {
      if (budget.signal.aborted) throw error;
      return { status, ok: response.ok, text: undefined, bodyError: error };
    }
  } catch (error) {
    if (budget.signal.aborted || isTimeoutError(error)) throw new OutOfTimeError(status);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(response: Response): Promise<string | undefined> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream: nothing more is read.
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
