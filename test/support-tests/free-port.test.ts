import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findFreePort, readEphemeralRange } from '../support/server-process.ts';

// CI once failed with "listen EADDRINUSE" in a spawned server: findFreePort listened on port 0, which
// hands out a port from the kernel's ephemeral range, closed it, and before the child bound it the
// same range gave it away again (to another worker's listen(0) or an outgoing connection).
describe('findFreePort', () => {
  it('gives ports outside the ephemeral range, which listen(0) and outgoing connections never take', async () => {
    const [low] = await readEphemeralRange();
    const ports = await Promise.all(Array.from({ length: 20 }, () => findFreePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(1024);
      expect(port).toBeLessThan(low);
    }
  });

  it('gives a port nobody listens on', async () => {
    const port = await findFreePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
