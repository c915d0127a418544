import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBytes } from '../../src/cache/fast-hits.js';
import { createFastLane, type FastLane } from '../../src/cache/fast-lane.js';
import { invalidationsChannel } from '../../src/cache/local-tier.js';
import { serverOptions } from '../../src/http-limits.js';
import { createInFlight } from '../../src/in-flight.js';
import { registry } from '../../src/metrics.js';
import { requestListener } from '../../src/server.js';
import type { TestApp } from '../support/app.js';
import { createBook, gid } from '../support/factories.js';
import { createFastHitsApp } from '../support/fast-hits.js';
import { createMember } from '../support/loans.js';

// Issue 11, "cache hits near the wire": once node:http has answered a request as a fast hit,
// the same bytes on a connection still in the socket lane are answered with no HTTP parser,
// request or response object: the same bytes out as node:http's (but the request id and Date),
// counted and logged the same. Anything else hands the connection to node:http, in order.
let lines: string[] = [];
let t: TestApp;
let lane: FastLane;
let port: number;
let categoryId: number;

beforeAll(async () => {
  ({ t, lines, categoryId } = await createFastHitsApp('fast-lane'));
  const fastHits = t.app.fastHits;
  if (!fastHits) throw new Error('no fast hits');
  const http = createServer(
    serverOptions(t.config),
    requestListener(t.app, t.config, createInFlight()),
  );
  lane = createFastLane(http, fastHits.lane);
  await new Promise<void>((resolve) => lane.listen(0, '127.0.0.1', resolve));
  port = (lane.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => lane?.close(resolve));
  await t?.app.dispose();
  await t?.close();
});

const DETAIL = /* GraphQL */ `query LaneBook($id: ID!) {
  book(id: $id) { id title availableCopies authors { name } category { name } }
}`;

/** A JSON POST of the detail of `id`, as a client writes it in one chunk. */
function detailBytes(id: string): string {
  const body = JSON.stringify({ query: DETAIL, variables: { id } });
  return (
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

interface Answer {
  head: string;
  body: string;
  header(name: string): string | undefined;
}

/** A kept-alive connection: `send` writes bytes (in pieces, if given) and reads `count` answers. */
async function open() {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const next = async (): Promise<Answer> => {
    for (;;) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length >= end + 4 + length) {
          const body = buffered.subarray(end + 4, end + 4 + length).toString();
          buffered = buffered.subarray(end + 4 + length);
          const header = (name: string) =>
            new RegExp(`\\r\\n${name}: ([^\\r]*)`, 'i').exec(head)?.[1];
          return { head, body, header };
        }
      }
      await new Promise<void>((resolve) => {
        waiting = resolve;
      });
    }
  };
  return {
    socket,
    closed,
    async send(pieces: string | string[], count = 1): Promise<Answer[]> {
      for (const [i, piece] of [pieces].flat().entries()) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
        socket.write(piece);
      }
      const answers: Answer[] = [];
      for (let i = 0; i < count; i++) answers.push(await next());
      return answers;
    },
  };
}

async function counter(name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

/** Sends `bytes` on new connections until the lane knows them (node:http answered a fast hit). */
async function untilLaned(bytes: string) {
  for (let i = 0; i < 60; i++) {
    const connection = await open();
    const before = lane.answered;
    await connection.send(bytes);
    connection.socket.destroy();
    if (lane.answered > before) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('never answered in the lane');
}

/** A connection in the lane that knows `bytes` (a miss stored, then the lane taught). */
async function laned(bytes: string) {
  const first = await open();
  await first.send(bytes);
  first.socket.destroy();
  await untilLaned(bytes);
  return open();
}

const freshBook = async () =>
  gid('Book', (await createBook(t.database.db, { categoryId, copies: 2 })).id);

/** An answer's head as it says the same whoever wrote it: the request id, Date, max-age blanked. */
const comparable = (answer: Answer) =>
  answer.head
    .replace(/\r\nx-request-id: [^\r]*/i, '\r\nx-request-id: ID')
    .replace(/\r\nDate: [^\r]*/, '\r\nDate: D')
    .replace(/max-age=\d+/, 'max-age=N');

describe('the socket lane', () => {
  it('answers the bytes node:http answered as a fast hit, as node:http wrote it: no SQL, counted, logged', async () => {
    const bytes = detailBytes(await freshBook());
    // A miss, a hit through GraphQL, a fast hit on node:http (which teaches the lane).
    const fresh = await open();
    const viaHttp = (await fresh.send(bytes))[0];
    fresh.socket.destroy();
    expect(viaHttp?.header('x-cache')).toBe('MISS');
    await untilLaned(bytes);
    const connection = await open();
    const [first] = await connection.send(bytes);
    const onHttp = await open();
    // The same request on a connection node:http has (the first chunk is two requests).
    const [, byNode] = await onHttp.send(detailBytes(await freshBook()) + bytes, 2);
    onHttp.socket.destroy();

    const answeredBefore = lane.answered;
    const fastBefore = await counter('response_cache_fast_hits_total');
    const hitsBefore = await counter('response_cache_requests_total');
    const httpBefore = await counter('http_requests_total');
    const linesBefore = lines.length;
    const { result: answers, statements } = await t.countStatements(async () => {
      const all: Answer[] = [];
      for (let i = 0; i < 5; i++) all.push(...(await connection.send(bytes)));
      return all;
    });
    expect(statements).toBe(0);
    expect(lane.answered).toBe(answeredBefore + 5);
    expect(await counter('response_cache_fast_hits_total')).toBe(fastBefore + 5);
    expect(await counter('response_cache_requests_total')).toBe(hitsBefore + 5);
    expect(await counter('http_requests_total')).toBe(httpBefore + 5);
    const logged = lines.slice(linesBefore).map((line) => JSON.parse(line));
    expect(logged).toHaveLength(5);
    expect(logged[0]).toMatchObject({ msg: 'request', method: 'POST', cache: 'HIT', status: 200 });
    const ids = answers.map((answer) => answer.header('x-request-id'));
    expect(new Set(ids).size).toBe(5);
    expect(logged.map((line) => line.requestId)).toEqual(ids);
    if (!first || !byNode) throw new Error('no answer');
    expect(byNode.header('x-cache')).toBe('HIT');
    for (const answer of [first, ...answers]) {
      expect(answer.body).toBe(byNode.body);
      expect(comparable(answer)).toBe(comparable(byNode));
      expect(answer.header('date')).toBe(
        new Date(Date.parse(answer.header('date') ?? '')).toUTCString(),
      );
    }
    connection.socket.destroy();
  });

  it('hands the connection to node:http at the first chunk it does not know, bytes in order', async () => {
    const id = await freshBook();
    const bytes = detailBytes(id);
    const connection = await laned(bytes);
    await connection.send(bytes);
    const answeredBefore = lane.answered;
    const fastBefore = await counter('response_cache_fast_hits_total');
    const other = detailBytes(await freshBook());
    // Another request and the known one in one chunk; then the known one, split in two.
    const [otherAnswer, known] = await connection.send(other + bytes, 2);
    const [split] = await connection.send([bytes.slice(0, 30), bytes.slice(30)]);
    expect(otherAnswer?.header('x-cache')).toBe('MISS');
    expect(JSON.parse(known?.body ?? '{}').data.book.id).toBe(id);
    expect(JSON.parse(split?.body ?? '{}').data.book.id).toBe(id);
    // node:http has the connection now: its fast hits answered the known request twice.
    expect(lane.answered).toBe(answeredBefore);
    expect(await counter('response_cache_fast_hits_total')).toBe(fastBefore + 2);
    connection.socket.destroy();
  });

  it('stops at once when a mutation invalidates the entry: GraphQL answers the new data', async () => {
    const id = await freshBook();
    const bytes = detailBytes(id);
    const connection = await laned(bytes);
    const [before] = await connection.send(bytes);
    expect(JSON.parse(before?.body ?? '{}').data.book.availableCopies).toBe(2);
    const member = await createMember(t.database.db);
    const borrowed = await t.gql(
      `mutation ($id: ID!) { borrowBook(bookId: $id) { __typename } }`,
      { id },
      { as: member.id },
    );
    expect(borrowed.data).toEqual({ borrowBook: { __typename: 'BorrowBookSuccess' } });
    const answeredBefore = lane.answered;
    const [after] = await connection.send(bytes);
    expect(after?.header('x-cache')).toBe('MISS');
    expect(JSON.parse(after?.body ?? '{}').data.book.availableCopies).toBe(1);
    expect(lane.answered).toBe(answeredBefore);
    connection.socket.destroy();
  });

  it("reads the entry from Redis when the tier's copy is gone, and answers in the lane", async () => {
    const bytes = detailBytes(await freshBook());
    const connection = await laned(bytes);
    const [known] = await connection.send(bytes);
    // The tier's copies go (as after their 10 s bound); Redis keeps the entry. A message on
    // the channel drops them here only, as another process's invalidation would.
    const redis = t.redis?.redis;
    if (!redis) throw new Error('no Redis');
    const channel = invalidationsChannel(redis);
    const listener = redis.duplicate({ keyPrefix: undefined, lazyConnect: true });
    await listener.connect();
    await listener.subscribe(channel);
    const heard = new Promise((resolve) => listener.once('message', resolve));
    await redis.publish(channel, JSON.stringify(['Book']));
    // Heard here, so by the app's subscriber on the same server too, give or take its turn.
    await heard;
    await new Promise((resolve) => setTimeout(resolve, 50));
    listener.disconnect();
    const answeredBefore = lane.answered;
    const { result, statements } = await t.countStatements(() => connection.send(bytes));
    expect(statements).toBe(0);
    expect(lane.answered).toBe(answeredBefore + 1);
    expect(result[0]?.header('x-cache')).toBe('HIT');
    expect(result[0]?.body).toBe(known?.body);
    connection.socket.destroy();
  });

  it('counts its connections, in the lane and handed off, until they close', async () => {
    const connections = () =>
      new Promise<number>((resolve, reject) =>
        lane.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    const settled = async (count: number) => {
      for (let i = 0; i < 100 && (await connections()) !== count; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return connections();
    };
    // Those of the tests before close first.
    expect(await settled(0)).toBe(0);
    const bytes = detailBytes(await freshBook());
    const inLane = await laned(bytes);
    await inLane.send(bytes);
    expect(await settled(1)).toBe(1);
    const handedOff = await open();
    const [miss] = await handedOff.send(detailBytes(await freshBook()));
    expect(miss?.header('x-cache')).toBe('MISS');
    expect(await connections()).toBe(2);
    inLane.socket.destroy();
    handedOff.socket.destroy();
    expect(await settled(0)).toBe(0);
  });

  it('ends its idle connections when the server closes them', async () => {
    const bytes = detailBytes(await freshBook());
    const connection = await laned(bytes);
    await connection.send(bytes);
    lane.closeIdleConnections();
    await connection.closed;
    expect(connection.socket.destroyed).toBe(true);
  });
});

describe('requestBytes: the bytes that ask for exactly one answer', () => {
  const req = (over: Partial<IncomingMessage>) =>
    ({
      httpVersion: '1.1',
      method: 'POST',
      url: '/graphql',
      rawHeaders: ['Host', 'x', 'Content-Length', '2'],
      ...over,
    }) as IncomingMessage;
  const body = Buffer.from('{}');
  it('writes each header as Name: value, then the body', () => {
    expect(requestBytes(req({}), body, 'x-request-id')).toBe(
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}',
    );
  });
  it('has none for what the bytes alone do not delimit or decide', () => {
    const none = [
      req({ httpVersion: '1.0' }),
      req({ rawHeaders: ['Host', 'x', 'Content-Length', '2', 'Connection', 'close'] }),
      req({ rawHeaders: ['Host', 'x', 'Transfer-Encoding', 'chunked'] }),
      req({ rawHeaders: ['Host', 'x', 'Content-Length', '3'] }),
      req({ rawHeaders: ['Host', 'x', 'Content-Length', '2', 'Expect', '100-continue'] }),
      req({ rawHeaders: ['Host', 'x', 'Content-Length', '2', 'X-Request-Id', 'mine'] }),
      req({ method: 'GET', rawHeaders: ['Host', 'x', 'Content-Length', '2'] }),
    ];
    for (const request of none) expect(requestBytes(request, body, 'x-request-id')).toBeUndefined();
    expect(
      requestBytes(req({ method: 'GET', rawHeaders: ['Host', 'x'] }), undefined, 'x-request-id'),
    ).toBe('GET /graphql HTTP/1.1\r\nHost: x\r\n\r\n');
  });
});
