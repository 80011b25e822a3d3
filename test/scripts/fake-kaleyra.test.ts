import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOrderStatusPayload } from '../../src/kaleyra/build-payload.ts';
import { createKaleyraClient } from '../../src/kaleyra/client.ts';
import { findFreePort } from '../support/server-process.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('npm run fake-kaleyra', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
  });

  /** Starts the script on `port`; resolves with a reader of everything it printed once it listens. */
  async function start(port: number) {
    const started = spawn(process.execPath, ['scripts/fake-kaleyra.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let out = '';
    started.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      started.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      const poll = setInterval(() => {
        if (!out.includes('Ctrl-C')) return;
        clearInterval(poll);
        resolve();
      }, 20);
    });
    return () => out;
  }

  it('listens on PORT, prints each request, and answers a send 202 WA202 with a message_id', async () => {
    const port = await findFreePort();
    const printed = await start(port);
    expect(printed()).toContain(`KALEYRA_BASE_URL=http://127.0.0.1:${port}`);

    // The app's own client, as a send would use it.
    const client = createKaleyraClient({ baseUrlOverride: `http://127.0.0.1:${port}` });
    const account = {
      sid: 'HXLOCAL',
      apiKey: 'local-key-0001',
      pod: 'in' as const,
      businessNumber: '+919876500000',
    };
    const payload = buildOrderStatusPayload(
      {
        to: '+919876543210',
        referenceId: 'LOCAL-1',
        status: 'shipped',
        templateName: 'order_status',
        languageCode: 'en',
      },
      { ref: 'TLOCAL', ref1: 'UDEV', ref2: 'attempt-1' },
    );
    const { messageId } = await client.sendMessage(account, payload);
    expect(messageId).toMatch(/^A[0-9A-F]{19}$/);

    await expect.poll(printed).toContain(`→ 202 WA202 message_id ${messageId}`);
    const out = printed();
    expect(out).toContain('POST /v2/HXLOCAL/whatsapp/+919876500000/messages');
    expect(out).toContain('"reference_id": "LOCAL-1"');
    // The API key itself is never printed.
    expect(out).not.toContain('local-key-0001');
  });

  it('answers Kaleyra’s RBC001 to a send without an api-key header, as Kaleyra does', async () => {
    const port = await findFreePort();
    const printed = await start(port);
    const response = await fetch(`http://127.0.0.1:${port}/v2/HX1/whatsapp/+919876500000/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('RBC001');
    await expect.poll(printed).toContain('→ 401 RBC001');
  });
});
