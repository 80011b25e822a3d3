import type { IncomingMessage } from 'node:http';

/**
 * The request body, read until `limit` bytes and no further: past it the rest is not buffered (the
 * caller answers 413 and closes the connection).
 */
export function readBoundedBody(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | 'too large' | 'unreadable'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | 'too large' | 'unreadable') => {
      req.off('data', onData);
      req.off('end', onEnd);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keeps reading into nothing, so the 413 can be written; the connection then closes.
        req.resume();
        chunks.length = 0;
        finish('too large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    // Stays attached: a client that goes away later must not raise an unhandled 'error'.
    const onError = () => finish('unreadable');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
