import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the app sent back for an envelope: `{ envelope_id, payload? }`. */
export type SocketModeAck = { envelope_id: string; payload?: unknown };

export type FakeSocketMode = {
  /** `ws://127.0.0.1:<port>/link`: what the fake Slack's apps.connections.open answers. */
  url: string;
  /** Sends one envelope (`{ envelope_id, type, payload, … }`) to the connected app. */
  send(envelope: Record<string, unknown>): void;
  /** Every ack the app sent, oldest first. */
  acks: SocketModeAck[];
  /** Resolves with the ack for `envelopeId`; rejects after `timeoutMs`. */
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<SocketModeAck>;
  close(): Promise<void>;
};

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

/**
 * A fake of Slack's Socket Mode WebSocket on loopback: the RFC 6455 handshake and frames by hand
 * (no WebSocket server library is a dependency), enough for @slack/socket-mode: `hello` on connect,
 * text envelopes both ways, pongs for its pings.
 */
export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const acks: SocketModeAck[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket: Socket) => {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') return socket.destroy();
    const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let frame = readFrame(buffered); frame; frame = readFrame(buffered)) {
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === OPCODE.ping) socket.write(encodeFrame(OPCODE.pong, frame.payload));
        else if (frame.opcode === OPCODE.close) socket.end(encodeFrame(OPCODE.close, Buffer.alloc(0)));
        else if (frame.opcode === OPCODE.text) acks.push(JSON.parse(frame.payload.toString('utf8')));
      }
    });
    const hello = { type: 'hello', num_connections: 1, connection_info: { app_id: 'A0ORDERSTATUS' } };
    socket.write(encodeFrame(OPCODE.text, Buffer.from(JSON.stringify(hello))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/link`,
    acks,
    send(envelope) {
      const frame = encodeFrame(OPCODE.text, Buffer.from(JSON.stringify(envelope)));
      for (const socket of sockets) socket.write(frame);
    },
    async waitForAck(envelopeId, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ack = acks.find((candidate) => candidate.envelope_id === envelopeId);
        if (ack) return ack;
        if (Date.now() > deadline)
          throw new Error(`no ack for envelope ${envelopeId} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One complete frame at the start of `data` (client frames are masked), or undefined if incomplete. */
function readFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  const opcode = (data[0] ?? 0) & 0x0f;
  const masked = ((data[1] ?? 0) & 0x80) !== 0;
  let size = (data[1] ?? 0) & 0x7f;
  let offset = 2;
  if (size === 126) {
    if (data.length < 4) return undefined;
    size = data.readUInt16BE(2);
    offset = 4;
  } else if (size === 127) {
    if (data.length < 10) return undefined;
    size = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const mask = masked ? data.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (data.length < offset + size) return undefined;
  const payload = Buffer.from(data.subarray(offset, offset + size));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return { opcode, payload, length: offset + size };
}

/** A single unmasked frame (servers do not mask). */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const size = payload.length;
  const header =
    size < 126
      ? Buffer.from([0x80 | opcode, size])
      : size < 65_536
        ? Buffer.from([0x80 | opcode, 126, size >> 8, size & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigEndian64(size)]);
  return Buffer.concat([header, payload]);
}

function bigEndian64(value: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(value));
  return out;
}
