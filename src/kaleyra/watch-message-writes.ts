import diagnostics from 'node:diagnostics_channel';

/**
 * Node's fetch (undici) publishes here the moment a request's headers are written to its socket: when
 * the send truly left this process, which can be tens of milliseconds after it was let go (a busy
 * event loop, a process waiting for a core, a new connection).
 */
const SEND_HEADERS_CHANNEL = 'undici:client:sendHeaders';

// The business number is the path segment after /whatsapp/ (client.ts builds it); one class, no backtracking.
const MESSAGES_PATH = /\/whatsapp\/([^/?]{1,40})\/messages(?:\?|$)/;

/**
 * Calls `onWritten(businessNumber)` each time a POST to a WhatsApp messages path of Kaleyra's API is
 * written to its socket by this process; returns the function that stops watching.
 */
export function watchMessageWrites(onWritten: (businessNumber: string) => void): () => void {
  const listener = (message: unknown) => {
    const request = (message as { request?: { method?: unknown; path?: unknown } } | null)?.request;
    if (request?.method !== 'POST' || typeof request.path !== 'string') return;
    const segment = MESSAGES_PATH.exec(request.path)?.[1];
    if (segment === undefined) return;
    let businessNumber: string;
    try {
      businessNumber = decodeURIComponent(segment);
    } catch {
      return;
    }
    onWritten(businessNumber);
  };
  diagnostics.subscribe(SEND_HEADERS_CHANNEL, listener);
  return () => {
    diagnostics.unsubscribe(SEND_HEADERS_CHANNEL, listener);
  };
}
