/** The most of an answer's body that is read (Kaleyra's answers are a few hundred bytes). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** An answer: its status, and its body (undefined when it was over MAX_BODY_BYTES or broke off). */
export type Answer = {
  status: number;
  ok: boolean;
  text: string | undefined;
  /** Why the body could not be read, when it broke off (not when it was too long). */
  bodyError?: unknown;
};

/** The exchange ended without an answer to read: the budget ran out, or the request failed. */
export class ExchangeFailure extends Error {
  readonly timedOut: boolean;
  /** The status, when the budget ran out while the body was being read. */
  readonly status: number | undefined;

  constructor(timedOut: boolean, status: number | undefined, cause: unknown) {
    super(timedOut ? 'Kaleyra exchange timed out' : 'Kaleyra exchange failed', { cause });
    this.name = 'ExchangeFailure';
    this.timedOut = timedOut;
    this.status = status;
  }
}

/**
 * POSTs once with `fetch` (no library around it: ky cost about 6 % of a send's CPU), never following a
 * redirect (that would turn the POST into a GET somewhere else: a 3xx is an answer like any other), and
 * reads the body, all within one budget for the whole exchange. Throws ExchangeFailure.
 */
export async function postOnce(
  fetchFn: typeof fetch,
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
): Promise<Answer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let status: number | undefined;
  try {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    status = response.status;
    try {
      return { status, ok: response.ok, text: await readCapped(response) };
    } catch (error) {
      if (timedOut) throw error;
      return { status, ok: response.ok, text: undefined, bodyError: error };
    }
  } catch (error) {
    throw new ExchangeFailure(timedOut, status, error);
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
