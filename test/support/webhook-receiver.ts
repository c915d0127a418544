import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { NoticePayload } from '../../src/notices/transport.js';

/** One request the receiver got, and whether its signature verified. */
export interface ReceivedWebhook {
  id: string;
  verified: boolean;
  payload: NoticePayload;
}

/**
 * What the receiver does with a request: answer with a status, or drop the connection after
 * reading the body (the sender never learns it arrived).
 */
export type Behaviour = 'ok' | 'fail' | 'drop';

/**
 * A webhook receiver on a free port that verifies Standard Webhooks signatures with the
 * `standardwebhooks` library, as a real receiver would, and dedupes on `webhook-id`: `notified`
 * holds what the member would have been told, once per notice.
 */
export async function startWebhookReceiver(secret: string) {
  const verifier = new Webhook(secret);
  const received: ReceivedWebhook[] = [];
  const notified = new Map<string, NoticePayload>();
  let behave: (request: ReceivedWebhook, index: number) => Behaviour = () => 'ok';
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
    );
    let verified = true;
    try {
      verifier.verify(body, headers);
    } catch {
      verified = false;
    }
    const entry = { id: headers['webhook-id'] ?? '', verified, payload: JSON.parse(body) };
    received.push(entry);
    const behaviour = behave(entry, received.length - 1);
    if (behaviour === 'drop') {
      // Taken (a receiver may act on it) but never acknowledged.
      if (verified) notified.set(entry.id, entry.payload);
      request.socket.destroy();
      return;
    }
    if (behaviour === 'fail') {
      response.writeHead(503).end('try later');
      return;
    }
    if (verified && !notified.has(entry.id)) notified.set(entry.id, entry.payload);
    response.writeHead(204).end();
  };
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/notices`,
    port,
    received,
    notified,
    /** Decides each request's fate from now on. */
    behave(next: (request: ReceivedWebhook, index: number) => Behaviour) {
      behave = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
