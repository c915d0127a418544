// Kept by hand: no package puts a byte-exact answer in front of node:http and hands it the
// connection, with the bytes read so far, at the first request it does not know.
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, Socket } from 'node:net';

/** What answers a request from its bytes (src/cache/fast-hits.ts `lane`). */
export interface Lane {
  /** The length of the longest request it may answer. */
  readonly longest: number;
  /**
   * Writes the answer to `request` on `socket`, ending its head with `tail()`: true, or false
   * having written nothing, or the promise of either.
   */
  answer(
    request: string,
    socket: Socket,
    started: number,
    tail: () => string,
  ): boolean | Promise<boolean>;
}

/** A listening socket in front of node:http: what src/server.ts listens with. */
export interface FastLane extends Server {
  /** Ends the connections no request is using: idle in the lane, or idle in node:http. */
  closeIdleConnections(): void;
  /** Ends every connection, in the lane or in node:http. */
  closeAllConnections(): void;
  /** Requests answered in the lane since it started (the tests' count). */
  readonly answered: number;
}

/**
 * A TCP server whose connections start in the lane: while each chunk a client sends is exactly
 * the bytes of a request that `lane` answers (a response-cache hit it remembers), the answer is
 * written to the socket at once, with no HTTP parser, request or response object. The first
 * chunk that is not (another request, part of one, several at once, a hit no longer cached)
 * hands the connection to `http` for good, as if it had just been accepted, with that chunk
 * unread: node:http parses it and all that follows. The connection's own headers are those
 * node:http writes (`Date`, `Connection: keep-alive`, `Keep-Alive` with `http`'s timeout), and a
 * connection idle in the lane closes when node:http would close it (`keepAliveTimeout` and its
 * buffer). The socket options are node:http's (half-open allowed, no Nagle delay). `http` does
 * not listen; its connection checks (headers and request timeouts) start when this server
 * listens, and `close` closes both, as node:http's own `close` does (idle connections too).
 *
 * Connections in the lane read into one buffer (node:net's `onread`), looked at before the next
 * read: node:net otherwise gives every read an ArrayBuffer of its own, and freeing those was
 * about 70% of each minor GC's pause under lane hits (`--trace-gc-nvp`,
 * `scavenge.sweep_array_buffers`: 1.6 of 2.4 ms, every quarter of a second at 55,000 hits a
 * second). Handed to node:http, a connection is read by node:http's parser, into its own buffer.
 */
export function createFastLane(http: HttpServer, lane: Lane): FastLane {
  // Every lane connection's reads, one at a time (see above).
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const inLane = new Set<Socket>();
  // Connections in the lane waiting for an answer (not idle).
  const busy = new Set<Socket>();
  let closing = false;
  let answered = 0;
  let second = -1;
  let date = '';
  /** `Date` as node:http writes it (once a second), then the connection's headers. */
  const tail = (keepAlive: string) => {
    const now = Date.now();
    if (Math.floor(now / 1000) !== second) {
      second = Math.floor(now / 1000);
      date = `Date: ${new Date(now).toUTCString()}\r\n`;
    }
    return `${date}Connection: keep-alive\r\n${keepAlive}\r\n`;
  };

  const server = createServer(
    { allowHalfOpen: true, noDelay: true, pauseOnConnect: true },
    (accepted) => {
      let handedOff = false;
      // Were node:http ever to stop reading with its parser (an upgrade), what a handed-off
      // connection reads goes on as the stream's data.
      const socket = adopt(accepted, readBuffer, (length) =>
        handedOff ? socket.push(Buffer.copyBytesFrom(readBuffer, 0, length)) : read(length),
      );
      inLane.add(socket);
      const timeout = http.keepAliveTimeout;
      const keepAlive = timeout > 0 ? `Keep-Alive: timeout=${Math.floor(timeout / 1000)}\r\n` : '';
      const onTimeout = () => socket.destroy();
      const onError = () => socket.destroy();
      const tailed = () => tail(keepAlive);
      let ended = false;
      /** After an answer: a client that sends without reading waits for it, as in node:http. */
      const next = () => {
        answered += 1;
        // Answered once the client is done sending, or while the server closes (idle connections
        // then end): the connection ends.
        if (ended || closing) return void socket.end();
        if (socket.writableNeedDrain) {
          socket.pause();
          socket.once('drain', () => socket.resume());
        } else if (socket.isPaused()) socket.resume();
      };
      const read = (length: number): undefined => {
        const started = performance.now();
        const done =
          length <= lane.longest &&
          lane.answer(readBuffer.toString('latin1', 0, length), socket, started, tailed);
        if (done === true) {
          next();
        } else if (done === false) {
          handOff(Buffer.copyBytesFrom(readBuffer, 0, length));
        } else {
          // The entry is being read from Redis: nothing more is read until it is answered.
          const chunk = Buffer.copyBytesFrom(readBuffer, 0, length);
          socket.pause();
          busy.add(socket);
          void done.then((ok) => {
            busy.delete(socket);
            if (socket.destroyed) return;
            if (ok) next();
            else handOff(chunk);
          });
        }
      };
      const handOff = (chunk: Buffer) => {
        inLane.delete(socket);
        handedOff = true;
        socket.off('end', onEnd);
        socket.off('timeout', onTimeout);
        socket.setTimeout(0);
        // Paused, the chunk put back and whatever arrives after it stay in order in the socket's
        // buffer; node:http reads them first when it resumes the socket, then from the handle.
        socket.pause();
        socket.unshift(chunk);
        http.emit('connection', socket);
        socket.off('error', onError);
        socket.resume();
      };
      // Every answer is written when its request arrives: a client done sending is done.
      const onEnd = () => {
        if (!inLane.has(socket)) return;
        if (busy.has(socket)) ended = true;
        else socket.end();
      };
      socket.on('error', onError);
      socket.on('end', onEnd);
      socket.on('close', () => {
        inLane.delete(socket);
        busy.delete(socket);
      });
      if (timeout > 0) {
        // Where node:http has no `keepAliveTimeoutBuffer` (older Node): its default, 1 s.
        socket.setTimeout(timeout + (http.keepAliveTimeoutBuffer ?? 1000));
        socket.on('timeout', onTimeout);
      }
    },
  );
  // node:http starts its checks of the headers and request timeouts when it listens.
  server.on('listening', () => http.emit('listening'));

  const endLane = () => {
    for (const socket of inLane) {
      if (busy.has(socket)) continue;
      // An answer still being written goes out before the connection ends.
      if (socket.writableLength > 0) socket.end();
      else socket.destroy();
      inLane.delete(socket);
    }
  };
  const close = server.close.bind(server);
  return Object.defineProperties(server, {
    close: {
      value(callback?: (error?: Error) => void) {
        closing = true;
        endLane();
        http.close();
        return close(callback);
      },
    },
    closeIdleConnections: {
      value() {
        endLane();
        http.closeIdleConnections();
      },
    },
    closeAllConnections: {
      value() {
        for (const socket of inLane) socket.destroy();
        inLane.clear();
        http.closeAllConnections();
      },
    },
    answered: { get: () => answered },
  }) as FastLane;
}

/** The bytes a lane connection reads at once: libuv's suggested size, node:net's own. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * `accepted` (paused, not reading) as a socket that reads into `buffer`, calling `onRead` with
 * the length of each read: node:net's `onread` option, which its server does not offer for
 * the connections it accepts, on a socket around the accepted one's handle. The server counts
 * the connection (`getConnections`, `close`) until the new socket closes.
 */
function adopt(
  accepted: Socket,
  buffer: Buffer,
  onRead: (length: number) => boolean | undefined,
): Socket {
  const owner = accepted as unknown as { _handle: unknown };
  const socket = new Socket({
    handle: owner._handle,
    allowHalfOpen: true,
    // A read whose `onRead` is false stops reading until the socket is resumed.
    onread: { buffer, callback: onRead },
  } as ConstructorParameters<typeof Socket>[0]);
  owner._handle = null;
  socket.once('close', () => accepted.destroy());
  return socket;
}
