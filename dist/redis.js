import { tracingChannel } from 'node:diagnostics_channel';
import { SpanKind } from '@opentelemetry/api';
import { Redis } from 'ioredis';
import { redisCommandDuration, redisErrors } from './metrics.js';
import { ATTR_DB_SYSTEM, endSpan, tracer } from './tracing.js';
/**
 * The process's one Redis connection, or undefined when neither REDIS_URL nor REDIS_SENTINELS is
 * set (the features then use in-process stores).
 *
 * Tuned to fail fast rather than to wait: commands sent while disconnected fail at once
 * (no offline queue), a slow command fails after `redisCommandTimeoutMs`, and the connection
 * retries in the background. Every caller treats a failed command as "Redis is not there".
 */
export function createRedis(config) {
    if (!config.redisUrl && config.redisSentinels.length === 0)
        return undefined;
    traceRedisCommands();
    const options = {
        keyPrefix: config.redisKeyPrefix,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: config.redisCommandTimeoutMs,
        connectTimeout: 2000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        // CLIENT SETINFO exists from Redis 7.2 on; older servers answer it with an error per connect.
        disableClientInfo: true,
    };
    const redis = connect(config, options);
    // Commands refused while disconnected never reach the tracing channel: count the connection's
    // own failures instead, so an outage shows in redis_errors_total and in /readyz.
    redis.on('error', () => {
        redisErrors.inc({ command: 'connection' });
        lastFailureAt = Date.now();
    });
    return redis;
}
function connect(config, options) {
    if (config.redisSentinels.length > 0) {
        const url = config.redisUrl ? new URL(config.redisUrl) : undefined;
        return new Redis({
            ...options,
            sentinels: config.redisSentinels,
            name: config.redisSentinelName,
            password: url?.password ? decodeURIComponent(url.password) : undefined,
            db: url?.pathname.length && url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
        });
    }
    return new Redis(config.redisUrl, options);
}
/** How long after a failed command Redis still counts as degraded. */
export const REDIS_DEGRADED_MS = 5000;
let lastFailureAt = 0;
/**
 * True when `redis` is connected and its commands succeed; false when absent, disconnected, or
 * a command failed in the last {@link REDIS_DEGRADED_MS} (a blocked server keeps its socket open
 * but times out).
 */
export const isRedisReady = (redis) => redis?.status === 'ready' && Date.now() - lastFailureAt > REDIS_DEGRADED_MS;
/**
 * Deletes every key starting with `prefix` (a full key name: give a connection without a key
 * prefix), by SCAN, never KEYS. For tests and load runs cleaning up after themselves.
 */
export async function deleteKeysByPrefix(redis, prefix) {
    let cursor = '0';
    do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0)
            await redis.del(...keys);
    } while (cursor !== '0');
}
/** Resolves once `redis` is ready, or rejects after `timeoutMs`. */
export async function waitForRedis(redis, timeoutMs = 5000) {
    if (redis.status === 'ready')
        return;
    await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
        redis.once('ready', () => {
            clearTimeout(timer);
            resolve();
        });
    });
}
let tracing = false;
/**
 * A client span, a duration and, on failure, an error count for every Redis command, from
 * ioredis's own diagnostics channel. Spans start in the caller's active context, so a cache
 * lookup shows under the operation that made it.
 */
function traceRedisCommands() {
    if (tracing)
        return;
    tracing = true;
    const started = new WeakMap();
    const finish = (message) => {
        const entry = started.get(message);
        if (!entry)
            return;
        started.delete(message);
        const command = message.command.toLowerCase();
        redisCommandDuration.observe({ command }, Number(process.hrtime.bigint() - entry.at) / 1e9);
        if (message.error !== undefined) {
            redisErrors.inc({ command });
            // An error reply means Redis answered: only timeouts and lost connections degrade.
            if (message.error.name !== 'ReplyError')
                lastFailureAt = Date.now();
        }
        endSpan(entry.span, message.error);
    };
    tracingChannel('ioredis:command').subscribe({
        start(message) {
            const span = tracer().startSpan(`redis ${message.command.toLowerCase()}`, {
                kind: SpanKind.CLIENT,
                attributes: {
                    [ATTR_DB_SYSTEM]: 'redis',
                    'db.operation.name': message.command.toLowerCase(),
                    'db.namespace': String(message.database),
                    'server.address': message.serverAddress,
                    ...(message.serverPort !== undefined && { 'server.port': message.serverPort }),
                },
            });
            started.set(message, { span, at: process.hrtime.bigint() });
        },
        end(message) {
            // A command that threw before returning its promise: no asyncEnd will follow.
            if (message.error !== undefined)
                finish(message);
        },
        asyncStart() { },
        asyncEnd: finish,
        error() { },
    });
}
