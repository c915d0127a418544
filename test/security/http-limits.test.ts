import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb, type DbHandle } from '../../src/db.js';
import { signToken } from '../../src/domain/tokens.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createMember } from '../support/loans.js';
import { deleteKeys, TEST_REDIS_URL } from '../support/redis.js';

// Issue 10, Low: what one client may hold of a process, over a real socket: a body over
// MAX_BODY_BYTES is 413 with a coded body and never reaches a resolver; a client that sends
// its headers slowly is cut off after HTTP_HEADERS_TIMEOUT_MS; MAX_CONNECTIONS caps the
// sockets of a process.
// Each holds with node:http alone and with the socket lane in front of it (the production default:
// the response cache on Redis; src/cache/fast-lane.ts hands node:http every request it does not
// answer, these included).
describe.each([
  { front: 'node:http', env: { RESPONSE_CACHE: 'false' } },
  {
    front: 'the socket lane',
    env: {
      RESPONSE_CACHE: 'true',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `bookmall-test:http-limits:${randomBytes(4).toString('hex')}:`,
    },
  },
])('request limits over a real socket, $front in front', ({ env: front }) => {
  let testDb: TestDatabase;
  let database: DbHandle;
  let server: RunningServer;
  let capped: RunningServer;
  const config = (env: Record<string, string>) =>
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      OVERDUE_SWEEP_INTERVAL_MS: '0',
      ...front,
      ...env,
    });

  beforeAll(async () => {
    testDb = await createTestDatabase('http-limits');
    database = createDb({ url: testDb.url, poolSize: 2 });
    server = await startServer(
      config({
        MAX_BODY_BYTES: '2000',
        HTTP_HEADERS_TIMEOUT_MS: '300',
        HTTP_REQUEST_TIMEOUT_MS: '600',
      }),
      testDb.url,
      createLogger('silent'),
    );
    capped = await startServer(
      config({ MAX_CONNECTIONS: '2' }),
      testDb.url,
      createLogger('silent'),
    );
  });
  afterAll(async () => {
    await server?.close();
    await capped?.close();
    await database?.close();
    await testDb?.drop();
    if (front.REDIS_KEY_PREFIX) await deleteKeys(front.REDIS_KEY_PREFIX);
  });

  const CREATE_AUTHOR = /* GraphQL */ `
  mutation LimitsCreateAuthor($bio: String) {
    createAuthor(input: { name: "Big", bio: $bio }) { __typename }
  }
`;

  /** Resolves when the server closes `socket`, with what it had sent. */
  const closed = (socket: Socket) =>
    new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(received));
    });

  it('a body over MAX_BODY_BYTES is 413 REQUEST_ENTITY_TOO_LARGE and runs nothing', async () => {
    const librarian = await createMember(database.db, { role: 'LIBRARIAN' });
    const token = await signToken(
      loadConfig({ NODE_ENV: 'test' }).jwtSecret,
      librarian.id,
      'LIBRARIAN',
      3600,
      new Date(),
    );
    const send = (bio: string) =>
      fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: CREATE_AUTHOR, variables: { bio } }),
      });
    const small = await send('short');
    expect(small.status).toBe(200);
    expect(await database.db.author.count()).toBe(1);
    const big = await send('x'.repeat(5000));
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({
      errors: [
        {
          message: 'The request body is larger than 2000 bytes',
          extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
        },
      ],
    });
    // A chunked body (no Content-Length) is counted as it arrives.
    const chunks = new ReadableStream({
      start(controller) {
        const body = JSON.stringify({ query: CREATE_AUTHOR, variables: { bio: 'y'.repeat(5000) } });
        for (let i = 0; i < body.length; i += 500) {
          controller.enqueue(new TextEncoder().encode(body.slice(i, i + 500)));
        }
        controller.close();
      },
    });
    const chunked = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await database.db.author.count()).toBe(1);
  });

  it('a client that never finishes its headers is cut off after the headers timeout', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // A slowloris: a request line and one header, then nothing.
    socket.write('POST /graphql HTTP/1.1\r\nHost: localhost\r\n');
    const answer = await closed(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('MAX_CONNECTIONS: a connection past the cap is closed at once', async () => {
    const { port } = new URL(capped.url);
    const open = async () => {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      return socket;
    };
    const held = [await open(), await open()];
    const extra = await open();
    extra.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await closed(extra)).toBe('');
    for (const socket of held) socket.destroy();
  });
});
