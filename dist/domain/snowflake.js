// Kept by hand: npm's Snowflake generators fix other layouts (a 42-bit timestamp, 5+5-bit worker
// and process ids, one global increment) and ignore a clock that steps back; this layout must fit
// a signed BIGINT, take a leased 10-bit worker id and refuse or wait out a backwards clock.
/**
 * 64-bit Snowflake ids for loans and loan events. Layout, from the most significant bit:
 * 1 bit always 0 (so ids fit PostgreSQL's signed BIGINT), 41 bits of milliseconds since
 * {@link SNOWFLAKE_EPOCH_MS} (about 69 years), 10 bits of worker id, 12 bits of sequence.
 * Clients see them as decimal strings, never as JS numbers (which lose precision past 2^53).
 */
/** Start of snowflake time: 2026-01-01T00:00:00.000Z. */
export const SNOWFLAKE_EPOCH_MS = Date.UTC(2026, 0, 1);
/** Largest worker id (10 bits). */
export const MAX_WORKER_ID = 1023;
/** Largest sequence number within one millisecond (12 bits). */
export const MAX_SEQUENCE = 4095;
/** Largest timestamp, in ms since the epoch (41 bits). */
export const MAX_SNOWFLAKE_TIMESTAMP = 2 ** 41 - 1;
/** How far back the clock may step before `next()` throws instead of waiting. */
export const DEFAULT_MAX_BACKWARDS_MS = 5;
/** Largest value of a PostgreSQL BIGINT: 2^63 - 1. */
const MAX_ID = (1n << 63n) - 1n;
const WORKER_SHIFT = 12;
const TIMESTAMP_SHIFT = 22n;
/** The clock stepped back further than `maxBackwardsMs`; ids could repeat, so none is made. */
export class ClockMovedBackwardsError extends Error {
    stepMs;
    maxBackwardsMs;
    name = 'ClockMovedBackwardsError';
    constructor(
    /** How far back the clock stepped, in ms. */
    stepMs, 
    /** The tolerance that was exceeded, in ms. */
    maxBackwardsMs) {
        super(`Clock moved backwards by ${stepMs} ms (more than the ${maxBackwardsMs} ms tolerated); ` +
            'refusing to generate snowflake ids until it catches up');
        this.stepMs = stepMs;
        this.maxBackwardsMs = maxBackwardsMs;
    }
}
/**
 * Makes strictly increasing snowflake ids for one worker. Synchronous: when the 4096 ids of a
 * millisecond are used up, or the clock has stepped back by at most `maxBackwardsMs`, `next()`
 * spins on the clock until it reaches a millisecond it may use.
 */
export class SnowflakeGenerator {
    workerId;
    maxBackwardsMs;
    now;
    /** Ms since the epoch of the last id, -1 before the first. */
    lastMs = -1;
    sequence = 0;
    /** `lastMs` shifted into place, cached so most ids cost one BigInt conversion. */
    timestampBits = 0n;
    /** Worker id shifted into place, as a plain number (fits in 22 bits). */
    workerBits;
    constructor(options) {
        const { workerId, now = Date.now, maxBackwardsMs = DEFAULT_MAX_BACKWARDS_MS } = options;
        if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
            throw new RangeError(`Snowflake worker id must be an integer from 0 to ${MAX_WORKER_ID}, got ${workerId}`);
        }
        if (!Number.isInteger(maxBackwardsMs) || maxBackwardsMs < 0) {
            throw new RangeError(`maxBackwardsMs must be a non-negative integer, got ${maxBackwardsMs}`);
        }
        this.workerId = workerId;
        this.maxBackwardsMs = maxBackwardsMs;
        this.now = now;
        this.workerBits = workerId << WORKER_SHIFT;
    }
    /** The next id, greater than every id this generator made before. */
    next() {
        let ms = this.readClock();
        for (;;) {
            if (ms > this.lastMs) {
                this.lastMs = ms;
                // Id 0 (the epoch's first millisecond on worker 0) is skipped: every id is positive.
                this.sequence = ms === 0 && this.workerBits === 0 ? 1 : 0;
                this.timestampBits = BigInt(ms) << TIMESTAMP_SHIFT;
                break;
            }
            if (ms === this.lastMs && this.sequence < MAX_SEQUENCE) {
                this.sequence++;
                break;
            }
            // Either this millisecond's sequence is used up (ms === lastMs) or the clock is behind.
            const step = this.lastMs - ms;
            if (step > this.maxBackwardsMs)
                throw new ClockMovedBackwardsError(step, this.maxBackwardsMs);
            ms = this.readClock();
        }
        return this.timestampBits | BigInt(this.workerBits | this.sequence);
    }
    /** The clock in ms since the snowflake epoch; throws outside the 41-bit range. */
    readClock() {
        const ms = Math.floor(this.now()) - SNOWFLAKE_EPOCH_MS;
        if (ms >= 0 && ms <= MAX_SNOWFLAKE_TIMESTAMP)
            return ms;
        if (Number.isNaN(ms))
            throw new RangeError('Snowflake clock returned a non-number');
        throw new RangeError(ms < 0
            ? `Snowflake clock is ${-ms} ms before the snowflake epoch (2026-01-01T00:00:00.000Z)`
            : 'Snowflake clock is past the end of the 41-bit timestamp range');
    }
}
/** The parts of a snowflake id. Throws a RangeError unless `0 <= id < 2^63`. */
export function decodeSnowflake(id) {
    if (id < 0n || id > MAX_ID)
        throw new RangeError(`Not a snowflake id: ${id}`);
    return {
        timestamp: new Date(Number(id >> TIMESTAMP_SHIFT) + SNOWFLAKE_EPOCH_MS),
        workerId: Number((id >> BigInt(WORKER_SHIFT)) & BigInt(MAX_WORKER_ID)),
        sequence: Number(id & BigInt(MAX_SEQUENCE)),
    };
}
/**
 * Reads an id a client sent as a decimal string: the canonical form `id.toString()` gives,
 * from 1 to 2^63 - 1, with no sign, spaces or leading zeros. Null when it is anything else.
 */
export function parseSnowflake(value) {
    if (!/^[1-9][0-9]{0,18}$/.test(value))
        return null;
    const id = BigInt(value);
    return id <= MAX_ID ? id : null;
}
