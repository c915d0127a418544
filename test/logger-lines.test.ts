import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  type AnswerLine,
  answerLine,
  byTurn,
  createLogger,
  requestLine,
  requestScope,
} from '../src/logger.js';

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

// Every GraphQL answer's request line (src/plugins/use-request-log.ts) is built by hand too:
// it must be what pino writes for the same fields inside the answer's request scope.
describe('answerLine', () => {
  const answer = (overrides: Partial<AnswerLine>): AnswerLine => ({
    requestId: 'req-1',
    traceId: undefined,
    method: 'POST',
    path: '/graphql',
    operationName: 'BookDetail',
    operationType: 'query',
    durationMs: 1.25,
    cache: undefined,
    outcome: 'ok',
    errorCodes: undefined,
    errorResults: undefined,
    status: 200,
    ...overrides,
  });
  const pinoLine = (
    logger: ReturnType<typeof createLogger>,
    level: 'info' | 'debug',
    line: AnswerLine,
    scopeTraceId?: string,
  ) =>
    requestScope.run({ requestId: line.requestId, traceId: scopeTraceId }, () =>
      logger[level]({ ...line }, 'request'),
    );

  it.each([
    ['a plain answer', answer({})],
    ['a traced, cached one', answer({ traceId: 'ab'.repeat(16), cache: 'HIT' })],
    [
      'one with errors and typed errors',
      answer({
        outcome: 'errors',
        errorCodes: ['BAD_USER_INPUT', 'UNCODED'],
        errorResults: [{ field: 'returnBook', typename: 'InvalidLoanTransitionError', code: 'X' }],
        status: 400,
      }),
    ],
    [
      'odd strings',
      answer({
        requestId: 'a"b\\c',
        operationName: 'Book "detail" \u2028 红楼梦 \u0001 \ud800',
        operationType: undefined,
      }),
    ],
  ])("writes pino's own line for %s, at info and at debug", (_name, line) => {
    for (const level of ['info', 'debug'] as const) {
      const { lines, logger } = capture('debug');
      answerLine(logger, 'request')(level, line);
      pinoLine(logger, level, line, line.traceId ? undefined : 'cd'.repeat(16));
      expect(lines).toHaveLength(2);
      expect(withoutTime(lines[0]!)).toBe(withoutTime(lines[1]!));
    }
  });

  it('keeps to the level of the logger', () => {
    const { lines, logger } = capture('info');
    const write = answerLine(logger, 'request');
    write('debug', answer({}));
    expect(lines).toHaveLength(0);
    write('info', answer({}));
    expect(lines).toHaveLength(1);
  });
});

// The process logger hands sonic-boom the lines of a turn of the event loop at once, as bytes:
// handed strings, sonic-boom measures its whole pending string on every write.
describe('byTurn', () => {
  const recorder = () => {
    const handed: unknown[] = [];
    const stream = {
      write: (bytes: Buffer) => void handed.push(bytes),
      flushSync: () => undefined,
    };
    const writes = {
      get length() {
        return handed.length;
      },
      text: (i: number) => {
        const bytes = handed[i];
        if (!Buffer.isBuffer(bytes)) throw new Error(`write ${i} was handed ${typeof bytes}`);
        return bytes.toString('utf8');
      },
    };
    return { writes, stream };
  };

  it("writes a turn's lines in one write, in order, and the next turn's in the next", async () => {
    const { writes, stream } = recorder();
    const logger = createLogger('info', byTurn(stream));
    for (let i = 0; i < 50; i++) logger.info({ i }, 'line');
    expect(writes).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    const lines = writes.text(0).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { i: number }).i)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    logger.info({ i: 50 }, 'line');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes.text(1))).toMatchObject({ i: 50 });
  });

  it('hands over the UTF-8 bytes of every character written', async () => {
    const { writes, stream } = recorder();
    const logger = createLogger('info', byTurn(stream));
    logger.info({ title: '红楼梦 \u2028 😀' }, 'non-ASCII');
    logger.info('second');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    const [first, second] = writes.text(0).trimEnd().split('\n');
    expect(JSON.parse(first!)).toMatchObject({ title: '红楼梦 \u2028 😀', msg: 'non-ASCII' });
    expect(JSON.parse(second!)).toMatchObject({ msg: 'second' });
  });

  it('writes the lines of the last turn when the process exits before the turn ends', () => {
    const script = [
      "import { createLogger } from './src/logger.ts';",
      "const logger = createLogger('info');",
      "for (let i = 0; i < 3; i++) logger.info({ i }, 'before exit');",
      'process.exit(0);',
    ].join('\n');
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(child.status).toBe(0);
    const lines = child.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { i: number });
    expect(lines.map((line) => line.i)).toEqual([0, 1, 2]);
  });

  // stdout is written in writes of 32 KB and more (fewer system calls and thread hops a line):
  // a quiet process must not sit on its lines until then.
  it('writes a lone line within a flush period while the process keeps running', async () => {
    // The child says "later" on stderr 2 s after its line (20 flush periods), and exits at 10 s.
    const script = [
      "import { createLogger } from './src/logger.ts';",
      "createLogger('info').info({ i: 1 }, 'alone');",
      "setTimeout(() => process.stderr.write('later\\n'), 2000);",
      'setTimeout(() => process.exit(0), 10_000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    try {
      const first = await new Promise<string>((resolve) => {
        child.stdout.setEncoding('utf8').on('data', (line: string) => resolve(`stdout ${line}`));
        child.stderr.setEncoding('utf8').on('data', (text: string) => {
          if (text.includes('later')) resolve('stderr later');
        });
      });
      expect(first.startsWith('stdout ')).toBe(true);
      expect(JSON.parse(first.slice('stdout '.length))).toMatchObject({ i: 1, msg: 'alone' });
    } finally {
      child.kill();
    }
  });
});
