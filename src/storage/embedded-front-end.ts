import type { Socket } from 'node:net';
import {
  CANCEL_REQUEST,
  CANONICAL_STARTUP,
  EXTENDED,
  errorResponse,
  GSSENC_REQUEST,
  isParameterList,
  MAX_STARTUP_BYTES,
  PROTOCOL_3,
  ROLLBACK_MESSAGE,
  SIMPLE_QUERY,
  SSL_REQUEST,
  SYNC,
  SYNC_MESSAGE,
  TERMINATE,
} from './embedded-wire.ts';

/**
 * The one Postgres session of the embedded database (PGlite), as the front end uses it. `exec` takes one
 * complete frontend message (or a startup packet) and streams the backend's answer; it rejects when the
 * backend has died (PGlite then cannot be used again).
 */
export type SessionBackend = {
  exec(message: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void>;
  isInTransaction(): boolean;
};

export type FrontEndOptions = {
  /**
   * A connection holding the session (an open transaction, or extended-protocol messages not yet closed
   * by Sync) is cut off after this long without sending anything, so it cannot stall everyone else.
   */
  holdTimeoutMs: number;
  /** Time to send a complete startup packet. */
  startupTimeoutMs: number;
  /** Any connection silent for this long is closed. */
  idleTimeoutMs: number;
  maxConnections: number;
  maxMessageBytes: number;
  /** A client was cut off (protocol violation, a timeout); one plain line for the log. */
  onDrop(reason: string): void;
  /** The backend failed: PGlite is unusable and the front end has stopped serving. */
  onBackendFailure(error: unknown): void;
};

type Connection = {
  socket: Socket;
  phase: 'startup' | 'ready' | 'closed';
  buffer: Buffer;
  /** Extended-protocol messages sent and not yet closed by Sync: the session is this connection's. */
  inBatch: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Which limit `timer` enforces. */
  timerKind: 'startup' | 'idle' | 'hold';
};

// A function, not an inline comparison: `phase` changes inside calls that TypeScript cannot see into.
const isOpen = (connection: Connection) => connection.phase !== 'closed';

type Job = { connection: Connection; message: Uint8Array; type: number };

export type FrontEnd = {
  /** Serves one accepted socket. */
  accept(socket: Socket): void;
  /** Closes every connection and resolves when the running message (if any) has finished. */
  close(): Promise<void>;
};

/**
 * A hardened Postgres wire-protocol front end for a single-session backend. It frames every message
 * itself and passes PGlite only complete messages of known types (anything else closes the connection
 * with a FATAL error and never reaches PGlite); it gives the one session to one connection at a time
 * while that connection is inside a transaction or an unsynced extended query, and cuts off a holder
 * that goes quiet, rolling its transaction back. Every startup packet reaches PGlite in one canonical
 * form, whatever parameters the client sent. Not @electric-sql/pglite-socket: it passes unknown message
 * types to PGlite, never cuts off an idle transaction, and stops serving for good once PGlite throws
 * (tried on a Unix socket, it fails four cases of test/storage/embedded-hardening.test.ts).
 */
export function createFrontEnd(backend: SessionBackend, options: FrontEndOptions): FrontEnd {
  const connections = new Set<Connection>();
  const queue: Job[] = [];
  let holder: Connection | undefined;
  /** Put the session back in order (Sync, ROLLBACK) before the next job: its holder went away mid-way. */
  let resetPending: { batch: boolean } | undefined;
  let running: Promise<void> | undefined;
  let failed = false;

  function accept(socket: Socket): void {
    if (failed || connections.size >= options.maxConnections) {
      socket.end(errorResponse('53300', 'too many connections to the embedded database'));
      return;
    }
    const connection: Connection = {
      socket,
      phase: 'startup',
      buffer: Buffer.alloc(0),
      inBatch: false,
      timer: undefined,
      timerKind: 'startup',
    };
    connections.add(connection);
    arm(connection, 'startup');
    socket.on('data', (chunk: Buffer) => receive(connection, chunk));
    socket.on('error', () => drop(connection));
    socket.on('close', () => drop(connection));
  }

  function receive(connection: Connection, chunk: Buffer): void {
    if (!isOpen(connection)) return;
    connection.buffer = connection.buffer.length === 0 ? chunk : Buffer.concat([connection.buffer, chunk]);
    if (connection.phase === 'ready') arm(connection, 'idle');
    try {
      while (isOpen(connection) && frameOne(connection));
    } catch (error) {
      refuse(connection, (error as Error).message);
    }
    pump();
  }

  /** Takes one complete message off the connection's buffer; false when it needs more bytes. */
  function frameOne(connection: Connection): boolean {
    const buffer = connection.buffer;
    if (connection.phase === 'startup') {
      if (buffer.length < 8) return false;
      const length = buffer.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_BYTES) throw new Error('sent a malformed startup packet');
      if (buffer.length < length) return false;
      const code = buffer.readInt32BE(4);
      connection.buffer = buffer.subarray(length);
      if ((code === SSL_REQUEST || code === GSSENC_REQUEST) && length === 8) {
        connection.socket.write('N');
        return true;
      }
      if (code === CANCEL_REQUEST) {
        drop(connection); // PGlite runs one statement at a time, to the end: nothing to cancel
        return false;
      }
      if (code !== PROTOCOL_3 || !isParameterList(buffer.subarray(8, length))) {
        throw new Error('sent a startup packet this server does not speak');
      }
      connection.phase = 'ready';
      arm(connection, 'idle');
      queue.push({ connection, message: CANONICAL_STARTUP, type: 0 });
      return true;
    }
    if (buffer.length < 5) return false;
    const type = buffer[0] ?? 0;
    const length = buffer.readInt32BE(1);
    if (type === TERMINATE) {
      drop(connection);
      return false;
    }
    if (!(type === SIMPLE_QUERY || type === SYNC || EXTENDED.has(type))) {
      throw new Error(`sent an unsupported message (type 0x${type.toString(16).padStart(2, '0')})`);
    }
    if (length < 4 || length > options.maxMessageBytes)
      throw new Error(`sent a message of invalid length ${length}`);
    if (buffer.length < length + 1) return false;
    queue.push({ connection, message: new Uint8Array(buffer.subarray(0, length + 1)), type });
    connection.buffer = buffer.subarray(length + 1);
    return true;
  }

  /** Runs queued jobs one at a time; the holder's jobs only, while there is a holder. */
  function pump(): void {
    if (running || failed) return;
    const job = nextJob();
    if (!job) {
      // Armed once when the holder goes quiet; other clients' traffic does not postpone it.
      if (holder && holder.timerKind !== 'hold') arm(holder, 'hold');
      return;
    }
    running = run(job).finally(() => {
      running = undefined;
      pump();
    });
  }

  function nextJob(): Job | 'reset' | undefined {
    if (resetPending) return 'reset';
    const index = holder ? queue.findIndex((job) => job.connection === holder) : 0;
    if (index < 0 || queue.length === 0) return undefined;
    return queue.splice(index, 1)[0];
  }

  async function run(job: Job | 'reset'): Promise<void> {
    try {
      if (job === 'reset') {
        const { batch } = resetPending ?? { batch: false };
        resetPending = undefined;
        if (batch) await backend.exec(SYNC_MESSAGE, () => undefined);
        if (backend.isInTransaction()) await backend.exec(ROLLBACK_MESSAGE, () => undefined);
        return;
      }
      const { connection, message, type } = job;
      if (!isOpen(connection)) return;
      await backend.exec(message, (data) => {
        // A copy: `data` is a view of PGlite's memory, reused by the next call before the socket flushes.
        if (isOpen(connection)) connection.socket.write(Buffer.from(data));
      });
      if (EXTENDED.has(type)) connection.inBatch = true;
      else if (type === SYNC || type === SIMPLE_QUERY) connection.inBatch = false;
      const holds = connection.inBatch || backend.isInTransaction();
      if (holds && isOpen(connection)) {
        holder = connection;
        arm(connection, 'idle');
      } else if (holder === connection) {
        holder = undefined;
      }
      if (holds && !isOpen(connection)) resetPending = { batch: connection.inBatch };
    } catch (error) {
      failed = true;
      for (const connection of connections) drop(connection);
      options.onBackendFailure(error);
    }
  }

  function arm(connection: Connection, kind: Connection['timerKind']): void {
    clearTimeout(connection.timer);
    const { ms, reason, code } = LIMITS[kind](options);
    connection.timerKind = kind;
    connection.timer = setTimeout(() => refuse(connection, reason, code), ms);
    connection.timer.unref();
  }

  /** Tells the client why (a FATAL error, as Postgres would) and closes it. */
  function refuse(connection: Connection, reason: string, code = '08P01'): void {
    if (!isOpen(connection)) return;
    options.onDrop(`an embedded database client ${reason}; disconnected it`);
    connection.socket.end(errorResponse(code, `terminating connection: the client ${reason}`));
    drop(connection);
  }

  function drop(connection: Connection): void {
    if (!isOpen(connection)) return;
    connection.phase = 'closed';
    clearTimeout(connection.timer);
    connections.delete(connection);
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]?.connection === connection) queue.splice(i, 1);
    if (holder === connection) {
      holder = undefined;
      resetPending = { batch: connection.inBatch };
    }
    connection.socket.destroySoon();
    pump();
  }

  return {
    accept,
    async close() {
      failed = true;
      for (const connection of [...connections]) drop(connection);
      await running;
    },
  };
}

/** Each timer's limit, what the client is told, and Postgres's code for it. */
const LIMITS: Record<
  Connection['timerKind'],
  (o: FrontEndOptions) => { ms: number; reason: string; code: string }
> = {
  startup: (o) => ({ ms: o.startupTimeoutMs, reason: 'did not finish its startup in time', code: '08P01' }),
  idle: (o) => ({ ms: o.idleTimeoutMs, reason: 'was idle too long', code: '57P05' }),
  hold: (o) => ({
    ms: o.holdTimeoutMs,
    reason: 'held the database while idle inside a transaction',
    code: '25P03',
  }),
};
