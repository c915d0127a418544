import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRequestBodyLimit } from '../../src/plugins/use-request-body-limit.js';

// The limit on a real socket: node:http reads exactly Content-Length bytes, and a chunked body
// has no length until it has streamed.
const MAX_BYTES = 200;
// The requests whose parser was given a copy of the request (its body streamed through the
// byte counter) rather than the request itself.
let copied = 0;
const observeParser: Plugin = {
  onRequestParse({ request, requestParser, setRequestParser }) {
    if (!requestParser) return;
    const parse = requestParser;
    setRequestParser((given) => {
      if (given !== request) copied++;
      return parse(given);
    });
  },
};
const yoga = createYoga({
  schema: createSchema({
    typeDefs: 'type Query { echo(text: String!): String! }',
    resolvers: { Query: { echo: (_: unknown, { text }: { text: string }) => text } },
  }),
  maxRequestBodySize: false,
  logging: false,
  // Before the limit: the parser it wraps is given what the limit passes on.
  plugins: [observeParser, useRequestBodyLimit({ maxBytes: MAX_BYTES })],
});
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POSTs `body`, with its Content-Length or chunked; resolves to the status and body. */
function post(body: string, chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const req = httpRequest({ port, host: '127.0.0.1', path: '/graphql', method: 'POST', headers });
    req.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (chunked) {
      // Two writes: node:http sends them as chunks, with no Content-Length.
      req.write(body.slice(0, 10));
      req.end(body.slice(10));
    } else {
      req.end(body);
    }
  });
}

const query = (text: string) => JSON.stringify({ query: `{ echo(text: "${text}") }` });

describe('useRequestBodyLimit', () => {
  it('answers a body within the limit, judged by its Content-Length alone (no byte counter)', async () => {
    const before = copied;
    const { status, text } = await post(query('short'), false);
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ data: { echo: 'short' } });
    expect(copied - before).toBe(0);
  });

  it('refuses a Content-Length over the limit with 413 REQUEST_ENTITY_TOO_LARGE', async () => {
    const { status, text } = await post(query('x'.repeat(MAX_BYTES)), false);
    expect(status).toBe(413);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('counts a chunked body as it streams: answered within the limit, 413 over it', async () => {
    const before = copied;
    const small = await post(query('chunked'), true);
    expect(small.status).toBe(200);
    expect(JSON.parse(small.text)).toEqual({ data: { echo: 'chunked' } });
    const large = await post(query('y'.repeat(MAX_BYTES)), true);
    expect(large.status).toBe(413);
    expect(JSON.parse(large.text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
    expect(copied - before).toBe(2);
  });

  it('refuses a Content-Length that is not one number with 400', async () => {
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '12, 12' },
      body: query('bad'),
    });
    expect(response.status).toBe(400);
  });
});
