import { describe, expect, it } from 'vitest';
import { createLogger, requestLine } from '../src/logger.js';

// The fast hits' request line (src/cache/fast-hits.ts) is built by hand: it must be the line
// pino itself writes for the same child and fields, with only the time apart.
const capture = (level: string) => {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  const child = logger.child({
    method: 'GET',
    path: '/graphql',
    operationName: 'Book "detail"',
    operationType: 'query',
    cache: 'HIT',
    outcome: 'ok',
    status: 200,
  });
  return { lines, logger, child };
};
const withoutTime = (line: string) => line.replace(/,"time":\d+/, '');

describe('requestLine', () => {
  it("writes pino's own line, field for field and in the same order", () => {
    const { lines, child } = capture('info');
    const id = 'req-1 "quoted" \u2028';
    requestLine(child, 'request')(id, 0.37);
    child.info({ requestId: id, durationMs: 0.37 }, 'request');
    expect(lines).toHaveLength(2);
    expect(withoutTime(lines[0]!)).toBe(withoutTime(lines[1]!));
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, requestId: id, durationMs: 0.37 });
    expect(lines[0]).toMatch(/,"time":\d+,/);
  });

  it('keeps to the level of the logger, as it is when the line is written', () => {
    const { lines, logger, child } = capture('warn');
    const write = requestLine(child, 'request');
    write('a', 1);
    expect(lines).toHaveLength(0);
    logger.level = 'info';
    child.level = 'info';
    write('b', 2);
    expect(lines.map((line) => JSON.parse(line).requestId)).toEqual(['b']);
  });
});
