import { SpanKind } from '@opentelemetry/api';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';
import { dbStatementDuration, trackPool } from './metrics.js';
import { ATTR_DB_NAMESPACE, ATTR_DB_STATEMENT, ATTR_DB_SYSTEM, endSpan, tracer, } from './tracing.js';
/**
 * Creates the one Prisma client of a process, on a `pg` pool whose connections count the
 * statements they send (tests and load benchmarks read `statements.total`). Sessions run in UTC.
 */
export function createDb({ url, replicaUrls = [], poolSize = 10, statementTimeoutMs = 5000, onIdleClientError = () => undefined, }) {
    const counter = { total: 0 };
    const settings = { poolSize, statementTimeoutMs, onIdleClientError };
    const primary = connect(url, settings, counter);
    const replicas = replicaUrls.map((replica) => connect(replica, settings, counter));
    let turn = 0;
    return {
        db: primary.db,
        pool: primary.pool,
        reader: () => {
            if (replicas.length === 0)
                return primary.db;
            turn = (turn + 1) % replicas.length;
            return replicas[turn]?.db ?? primary.db;
        },
        statements: counter,
        async close() {
            await Promise.all([primary, ...replicas].map(async (c) => {
                c.untrack();
                await c.db.$disconnect();
                await c.pool.end();
            }));
        },
    };
}
function connect(url, settings, counter) {
    const pool = new pg.Pool({
        connectionString: url,
        max: settings.poolSize,
        options: `-c TimeZone=UTC -c statement_timeout=${settings.statementTimeoutMs}`,
    });
    // For the pool's lifetime: Prisma's adapter adds a listener of its own only while connected.
    pool.on('error', (error) => settings.onIdleClientError(error));
    const database = new URL(url).pathname.slice(1);
    pool.on('connect', (client) => {
        const query = client.query.bind(client);
        const measured = (...args) => {
            counter.total += 1;
            return measure(database, query, args);
        };
        client.query = measured;
    });
    const untrack = trackPool(pool);
    return { pool, db: new PrismaClient({ adapter: new PrismaPg(pool) }), untrack };
}
/** The statement's text: always the parameterised one ($1, $2 ...), never the values. */
function statementText(first) {
    if (typeof first === 'string')
        return first;
    if (first && typeof first === 'object' && 'text' in first && typeof first.text === 'string') {
        return first.text;
    }
    return '';
}
/**
 * Sends one statement, timing it into db_statement_duration_seconds inside a client span
 * (db.system=postgresql, db.statement without parameter values). Created where the statement
 * reaches the pg client, in the caller's context: it nests under the DataLoader batch or
 * resolver span that asked for it. Handles both the promise and the callback forms of `query`.
 */
function measure(database, query, args) {
    const text = statementText(args[0]);
    const span = tracer().startSpan(text.trimStart().split(/\s/, 1)[0]?.toUpperCase() || 'SQL', {
        kind: SpanKind.CLIENT,
        attributes: {
            [ATTR_DB_SYSTEM]: 'postgresql',
            [ATTR_DB_NAMESPACE]: database,
            [ATTR_DB_STATEMENT]: text,
        },
    });
    const started = performance.now();
    const done = (error) => {
        dbStatementDuration.observe((performance.now() - started) / 1000);
        endSpan(span, error ?? undefined);
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
        args[last] = (error, ...rest) => {
            done(error ?? undefined);
            return callback(error, ...rest);
        };
        return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) {
        result.then(() => done(), (error) => done(error));
    }
    else {
        done();
    }
    return result;
}
