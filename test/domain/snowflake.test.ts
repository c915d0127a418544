import fc from 'fast-check';
import { assert, describe, expect, it } from 'vitest';
import {
  ClockMovedBackwardsError,
  decodeSnowflake,
  MAX_SEQUENCE,
  MAX_SNOWFLAKE_TIMESTAMP,
  MAX_WORKER_ID,
  parseSnowflake,
  SNOWFLAKE_EPOCH_MS,
  SnowflakeGenerator,
} from '../../src/domain/snowflake.js';

const MAX_ID = 2n ** 63n - 1n;

/**
 * A fake ms clock that only moves when polled or set: it reads `ms`, and every `pollsPerMs`
 * polls it moves forward 1 ms (never, by default). `last` is the value the last poll returned.
 */
class FakeClock {
  polls = 0;
  last = Number.NaN;
  private pollsThisMs = 0;
  constructor(
    public ms: number,
    private readonly pollsPerMs = Number.POSITIVE_INFINITY,
  ) {}

  set(ms: number): void {
    this.ms = ms;
    this.pollsThisMs = 0;
  }

  readonly now = (): number => {
    this.polls++;
    this.last = this.ms;
    if (++this.pollsThisMs >= this.pollsPerMs) {
      this.ms++;
      this.pollsThisMs = 0;
    }
    return this.last;
  };
}

/**
 * Takes ids from `gen` and checks each against the previous one: strictly greater, made by
 * `workerId` at the clock's last reading, sequence 0 in a new millisecond and +1 within one.
 */
function createChecker(gen: SnowflakeGenerator, clock: FakeClock, workerId: number) {
  let prevId = -1n;
  let prevMs = Number.NEGATIVE_INFINITY;
  let prevSequence = -1;
  return (): bigint => {
    const id = gen.next();
    const { timestamp, workerId: decodedWorker, sequence } = decodeSnowflake(id);
    const ms = timestamp.getTime();
    if (id <= prevId) assert.fail(`id ${id} is not above the previous ${prevId}`);
    if (decodedWorker !== workerId) assert.fail(`worker ${decodedWorker}, expected ${workerId}`);
    if (ms !== clock.last) assert.fail(`timestamp ${ms}, but the clock last read ${clock.last}`);
    const expected = ms === prevMs ? prevSequence + 1 : 0;
    if (sequence !== expected) assert.fail(`sequence ${sequence} at ${ms}, expected ${expected}`);
    prevId = id;
    prevMs = ms;
    prevSequence = sequence;
    return id;
  };
}

const workerId = fc.integer({ min: 0, max: MAX_WORKER_ID });
/** Few polls per ms (the clock races ahead) or more than 4096 (sequences run out). */
const pollsPerMs = fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 4000, max: 9000 }));
const startMs = fc.integer({ min: 10, max: 2 ** 40 }).map((ms) => SNOWFLAKE_EPOCH_MS + ms);
const clockStep = fc.oneof(
  fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: 1, max: 10_000_000 }) }),
  fc.record({ kind: fc.constant('still' as const), calls: fc.integer({ min: 1, max: 6000 }) }),
  fc.record({ kind: fc.constant('back' as const), ms: fc.integer({ min: 1, max: 5 }) }),
);

describe('SnowflakeGenerator', () => {
  it('makes 1,000,000 strictly increasing ids with the real clock', () => {
    const gen = new SnowflakeGenerator({ workerId: 7 });
    const sample = new Set<bigint>();
    let prev = gen.next();
    sample.add(prev);
    for (let i = 1; i < 1_000_000; i++) {
      const id = gen.next();
      if (id <= prev) assert.fail(`id #${i} ${id} is not above ${prev}`);
      if (i < 100_000) sample.add(id);
      prev = id;
    }
    expect(sample.size).toBe(100_000);
    expect(prev).toBeLessThanOrEqual(MAX_ID);
    expect(decodeSnowflake(prev).workerId).toBe(7);
    expect(Math.abs(decodeSnowflake(prev).timestamp.getTime() - Date.now())).toBeLessThan(5000);
  });

  it('stays strictly increasing through jumps, frozen clocks and small steps back', () => {
    fc.assert(
      fc.property(
        workerId,
        pollsPerMs,
        startMs,
        fc.array(clockStep, { maxLength: 20 }),
        (worker, polls, start, steps) => {
          const clock = new FakeClock(start, polls);
          const gen = new SnowflakeGenerator({ workerId: worker, now: clock.now });
          const take = createChecker(gen, clock, worker);
          take();
          for (const step of steps) {
            if (step.kind === 'still') {
              for (let i = 0; i < step.calls; i++) take();
              continue;
            }
            clock.set(clock.ms + (step.kind === 'jump' ? step.ms : -step.ms));
            take();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('throws ClockMovedBackwardsError past maxBackwardsMs and recovers when the clock returns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 3 }),
        (maxBackwardsMs, beyond, returnAfter) => {
          const start = SNOWFLAKE_EPOCH_MS + 2_000_000;
          const clock = new FakeClock(start);
          const gen = new SnowflakeGenerator({ workerId: 3, now: clock.now, maxBackwardsMs });
          gen.next();
          const before = gen.next();
          const step = maxBackwardsMs + beyond;
          clock.set(start - step);
          for (let i = 0; i < 2; i++) {
            const error = captureError(() => gen.next());
            expect(error).toBeInstanceOf(ClockMovedBackwardsError);
            expect((error as ClockMovedBackwardsError).stepMs).toBe(step);
            expect((error as Error).message).toContain(`by ${step} ms`);
          }
          clock.set(start + returnAfter);
          const after = gen.next();
          expect(after).toBeGreaterThan(before);
          expect(decodeSnowflake(after).sequence).toBe(returnAfter === 0 ? 2 : 0);
        },
      ),
    );
  });

  it('throws when the clock falls further back while it waits', () => {
    const t = SNOWFLAKE_EPOCH_MS + 1000;
    const readings = [t, t - 3, t - 2, t - 9];
    const gen = new SnowflakeGenerator({ workerId: 1, now: () => readings.shift() ?? t });
    gen.next();
    expect(() => gen.next()).toThrow(ClockMovedBackwardsError);
    expect(readings).toHaveLength(0);
  });

  it('never repeats an id across two workers sharing one clock', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(workerId, { minLength: 2, maxLength: 2 }),
        pollsPerMs,
        fc.array(
          fc.record({
            gen: fc.integer({ min: 0, max: 1 }),
            calls: fc.integer({ min: 1, max: 2000 }),
            advanceMs: fc.integer({ min: 0, max: 3 }),
          }),
          { maxLength: 20 },
        ),
        (workers, polls, interleaving) => {
          const clock = new FakeClock(SNOWFLAKE_EPOCH_MS + 10, polls);
          const takes = workers.map((w) =>
            createChecker(new SnowflakeGenerator({ workerId: w, now: clock.now }), clock, w),
          );
          const seen = new Set<bigint>();
          let count = 0;
          for (const { gen, calls, advanceMs } of interleaving) {
            clock.set(clock.ms + advanceMs);
            const take = takes[gen]!;
            for (let i = 0; i < calls; i++) seen.add(take());
            count += calls;
          }
          expect(seen.size).toBe(count);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('waits for the next millisecond once 4096 ids used up the current one', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_SEQUENCE + 2, max: 20_000 }), (advanceAfterPolls) => {
        const start = SNOWFLAKE_EPOCH_MS + 5000;
        const clock = new FakeClock(start, advanceAfterPolls);
        const gen = new SnowflakeGenerator({ workerId: 9, now: clock.now });
        for (let i = 0; i <= MAX_SEQUENCE; i++) {
          const { sequence, timestamp } = decodeSnowflake(gen.next());
          if (sequence !== i || timestamp.getTime() !== start) assert.fail(`id #${i} is off`);
        }
        expect(clock.polls).toBe(MAX_SEQUENCE + 1);
        const next = decodeSnowflake(gen.next());
        expect(next.timestamp.getTime()).toBe(start + 1);
        expect(next.sequence).toBe(0);
        // It kept polling the frozen clock until it moved, and no further.
        expect(clock.polls).toBe(advanceAfterPolls + 1);
      }),
      { numRuns: 20 },
    );
  });

  it.each([-1, 1024, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects worker id %s', (id) => {
    expect(() => new SnowflakeGenerator({ workerId: id })).toThrow(RangeError);
  });

  it.each([-1, 0.5])('rejects maxBackwardsMs %s', (maxBackwardsMs) => {
    expect(() => new SnowflakeGenerator({ workerId: 0, maxBackwardsMs })).toThrow(RangeError);
  });

  it('accepts worker ids 0 and 1023, and never makes id 0', () => {
    const atEpoch = new SnowflakeGenerator({ workerId: 0, now: () => SNOWFLAKE_EPOCH_MS });
    expect(atEpoch.next()).toBe(1n);
    const last = new SnowflakeGenerator({ workerId: MAX_WORKER_ID });
    expect(decodeSnowflake(last.next()).workerId).toBe(MAX_WORKER_ID);
  });

  it('throws on a clock outside the 41-bit range', () => {
    const early = new SnowflakeGenerator({ workerId: 1, now: () => SNOWFLAKE_EPOCH_MS - 1 });
    expect(() => early.next()).toThrow(/before the snowflake epoch/);
    const endMs = SNOWFLAKE_EPOCH_MS + MAX_SNOWFLAKE_TIMESTAMP;
    const late = new SnowflakeGenerator({ workerId: MAX_WORKER_ID, now: () => endMs + 1 });
    expect(() => late.next()).toThrow(RangeError);
    const lastMs = new SnowflakeGenerator({ workerId: MAX_WORKER_ID, now: () => endMs });
    const id = lastMs.next();
    expect(id).toBeLessThan(2n ** 63n);
    expect(decodeSnowflake(id).timestamp.getTime()).toBe(endMs);
  });
});

describe('decodeSnowflake and parseSnowflake', () => {
  it('decode the layout and round-trip decimal strings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_SNOWFLAKE_TIMESTAMP }),
        workerId,
        fc.integer({ min: 0, max: MAX_SEQUENCE }),
        (ms, worker, sequence) => {
          const id = (BigInt(ms) << 22n) | (BigInt(worker) << 12n) | BigInt(sequence);
          expect(decodeSnowflake(id)).toEqual({
            timestamp: new Date(SNOWFLAKE_EPOCH_MS + ms),
            workerId: worker,
            sequence,
          });
          expect(parseSnowflake(id.toString())).toBe(id === 0n ? null : id);
        },
      ),
    );
  });

  it('parses every id from 1 to 2^63 - 1 and nothing outside', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_ID }), (id) => {
        expect(parseSnowflake(id.toString())).toBe(id);
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: MAX_ID + 1n, max: 2n ** 80n }), fc.bigInt({ max: 0n })),
        (n) => {
          expect(parseSnowflake(n.toString())).toBeNull();
        },
      ),
    );
  });

  it.each([
    '',
    '-1',
    '0',
    '1.5',
    'abc',
    ' 1',
    '1 ',
    '+1',
    '01',
    '1e3',
    '0x10',
    '9223372036854775808',
    '18446744073709551615',
  ])('parseSnowflake rejects %j', (value) => {
    expect(parseSnowflake(value)).toBeNull();
  });

  it('decodeSnowflake rejects values outside 0..2^63 - 1', () => {
    expect(() => decodeSnowflake(-1n)).toThrow(RangeError);
    expect(() => decodeSnowflake(2n ** 63n)).toThrow(RangeError);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}
