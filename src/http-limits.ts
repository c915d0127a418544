import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Server } from 'node:net';

/** How much a client may send, and for how long (MAX_BODY_BYTES and friends, src/config). */
export interface HttpLimits {
  maxBodyBytes: number;
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  maxConnections: number;
}

/**
 * node:http options for the limits: Node checks its header and request timeouts only every
 * `connectionsCheckingInterval` (30 s by default), which would let a slow client hold its socket
 * for that long whatever the timeouts say.
 */
export function serverOptions(limits: HttpLimits): ServerOptions {
  const requestTimeout = Math.max(limits.httpRequestTimeoutMs, limits.httpHeadersTimeoutMs);
  return {
    headersTimeout: limits.httpHeadersTimeoutMs,
    requestTimeout,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.httpHeadersTimeoutMs / 4)),
  };
}

/** Caps the connections of `server` (MAX_CONNECTIONS): more are closed as they arrive. */
export function capConnections(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
}

const tooLarge = (maxBodyBytes: number) =>
  JSON.stringify({
    errors: [
      {
        message: `The request body is larger than ${maxBodyBytes} bytes`,
        extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
      },
    ],
  });

function refuse(res: ServerResponse, maxBodyBytes: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The rest of the body is never read: the connection closes once the answer is out.
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(tooLarge(maxBodyBytes), () => res.socket?.destroy());
}

/**
 * MAX_BODY_BYTES: a body declared larger (Content-Length) is answered 413 at once, before the app
 * sees the request (true: the caller must not serve it). A chunked body is counted as it arrives
 * and the request cut off with a 413 when it passes the limit, before it is parsed.
 */
export function refuseLargeBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
): boolean {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBodyBytes) {
    refuse(res, maxBodyBytes);
    return true;
  }
  if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
    let received = 0;
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= maxBodyBytes) return;
      req.off('data', count);
      // The app's answer to the cut-off body has nowhere to go.
      res.on('error', () => undefined);
      refuse(res, maxBodyBytes);
      req.destroy();
    };
    req.on('data', count);
  }
  return false;
}
