import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireWrk, type HttpRequest } from '../../load/harness.js';

// The wrk generator of `npm run load:compare -- --generator wrk`: its requests must be the same
// bytes in every wrk process (a server that remembers requests by their bytes, the fast lane,
// would otherwise take each run's requests for new ones), in turn, and its figures must add up.
interface Seen {
  raw: string[];
  body: string;
}
const seen: Seen[] = [];
const server = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    seen.push({ raw: req.rawHeaders, body });
    const status = body.includes('"fail"') ? 500 : 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"data":{}}');
  });
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// Bodies with what a Lua string must escape: quotes, backslashes, newlines, CJK.
const request = (n: number): HttpRequest => ({
  body: JSON.stringify({ query: `query Q${n} {\n  book(title: "三国\\\\") { id }\n}`, n }),
  headers: { 'content-type': 'application/json', 'x-one': 'a' },
});

describe('fireWrk', () => {
  it('sends request(0) to request(99) in turn, as given, with the same header order in every run', async () => {
    const runs: Seen[][] = [];
    for (let run = 0; run < 3; run++) {
      seen.length = 0;
      const measured = await fireWrk(url, request, 1, 1);
      expect(measured.errors).toBe(0);
      // Answers completed in the run; the server may have seen one more, cut off at its end.
      expect(measured.requests).toBeGreaterThanOrEqual(seen.length - 1);
      expect(measured.requests).toBeLessThanOrEqual(seen.length);
      expect(measured.rps).toBeGreaterThan(0);
      expect(measured.p50).toBeGreaterThan(0);
      expect(measured.p99).toBeGreaterThanOrEqual(measured.p50);
      expect(measured.p999).toBeGreaterThanOrEqual(measured.p99);
      runs.push([...seen]);
    }
    const all = Array.from({ length: 100 }, (_, n) => request(n).body);
    for (const run of runs) {
      expect(run.length).toBeGreaterThan(100);
      // wrk asks for one request before it connects: the cycle may start past request(0).
      const first = all.indexOf(run[0]!.body);
      expect(first).toBeGreaterThanOrEqual(0);
      run.slice(0, 150).forEach(({ raw, body }, i) => {
        const expected = request((first + i) % 100);
        expect(body).toBe(expected.body);
        expect(raw).toEqual([
          'Host',
          new URL(url).host,
          'content-type',
          'application/json',
          'x-one',
          'a',
          'Content-Length',
          String(Buffer.byteLength(expected.body)),
        ]);
      });
    }
  });

  it('counts answers that are not 2xx as errors', async () => {
    const failing = (n: number): HttpRequest =>
      n % 2 ? { ...request(n), body: '{"fail":true}' } : request(n);
    seen.length = 0;
    const measured = await fireWrk(url, failing, 1, 2);
    const failed = seen.filter((s) => s.body.includes('"fail"')).length;
    expect(failed).toBeGreaterThan(0);
    // As above: the server may have seen one more a connection.
    expect(measured.errors).toBeGreaterThanOrEqual(failed - 2);
    expect(measured.errors).toBeLessThanOrEqual(failed);
  });
});
