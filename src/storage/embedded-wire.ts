/**
 * The Postgres wire protocol (version 3) as the embedded database's front end speaks it: the message
 * types it lets through, and the few messages it builds itself.
 */

// Frontend message types PGlite handles safely (checked one by one: an unknown type sends PGlite into an
// endless loop, which is what 7a 00 00 00 04 did). Copy and function-call messages are not needed here.
export const SIMPLE_QUERY = 0x51; // Q
export const SYNC = 0x53; // S
export const TERMINATE = 0x58; // X
export const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // P B D E C H
export const PROTOCOL_3 = 196_608;
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;
export const MAX_STARTUP_BYTES = 10_000;

/** key\0value\0 … \0, and nothing else. */
export function isParameterList(body: Buffer): boolean {
  if (body.length === 0 || body[body.length - 1] !== 0) return false;
  const parts = body
    .subarray(0, body.length - 1)
    .toString('latin1')
    .split('\0');
  // The list ends with \0 (split leaves a trailing ''), and holds pairs.
  return parts.at(-1) === '' && (parts.length - 1) % 2 === 0;
}

function startupPacket(parameters: Record<string, string>): Uint8Array {
  const body = Buffer.from(`${Object.entries(parameters).flat().join('\0')}\0\0`, 'latin1');
  const packet = Buffer.alloc(8 + body.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(PROTOCOL_3, 4);
  body.copy(packet, 8);
  return new Uint8Array(packet);
}

function message(type: string, body: Buffer): Uint8Array {
  const out = Buffer.alloc(5 + body.length);
  out.write(type, 0, 'latin1');
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return new Uint8Array(out);
}

export function errorResponse(code: string, text: string): Uint8Array {
  const fields = ['SFATAL', 'VFATAL', `C${code}`, `M${text}`].map((f) => `${f}\0`).join('');
  return message('E', Buffer.from(`${fields}\0`, 'utf8'));
}

export const CANONICAL_STARTUP = startupPacket({ user: 'postgres', database: 'postgres' });
export const SYNC_MESSAGE = message('S', Buffer.alloc(0));
export const ROLLBACK_MESSAGE = message('Q', Buffer.from('ROLLBACK\0', 'latin1'));
