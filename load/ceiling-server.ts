import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// The ceiling of load/compare.ts: node:http answering every request with the bytes given as
// the first argument (what bookmall answered to the scenario), as application/json, no
// GraphQL, no I/O. Reads and drops the request body first, as a GraphQL server must.
const body = Buffer.from(process.argv[2] ?? '{}');
const headers = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': body.length,
};
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, headers).end(body));
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
