import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:process';
import { fileURLToPath } from 'node:url';
import { isMain } from '../cli/is-main.js';
import { loadConfig } from '../config.js';
/**
 * The dbmate binary: the npm package @dbmate/<platform>-<arch> (an optional dependency; the
 * registry this project installs from ships the linux-x64 build), else `dbmate` on the PATH.
 */
export function resolveDbmate() {
    try {
        return createRequire(import.meta.url).resolve(`@dbmate/${platform}-${arch}/bin/dbmate`);
    }
    catch {
        return 'dbmate';
    }
}
/** The dbmate migrations, resolved from this file so the cwd does not matter. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
/** How long dbmate waits for the server to accept connections. */
export const DEFAULT_WAIT_TIMEOUT = '60s';
/**
 * dbmate (lib/pq) defaults to sslmode=require, while node-postgres and Prisma's
 * adapter-pg default to no TLS; add sslmode=disable when the URL says nothing,
 * so the same URL behaves the same for the migrator and the app.
 */
export function withSslModeDisable(databaseUrl) {
    const url = new URL(databaseUrl);
    if (!url.searchParams.has('sslmode'))
        url.searchParams.set('sslmode', 'disable');
    return url.toString();
}
/** Hides the password of a connection URL for error messages. */
export function redactUrl(databaseUrl) {
    try {
        const url = new URL(databaseUrl);
        if (url.password)
            url.password = '***';
        return url.toString();
    }
    catch {
        return '<invalid database url>';
    }
}
/**
 * Creates the database if needed and applies pending migrations with dbmate
 * (`up --wait --no-dump-schema`). Rejects with dbmate's own error text on failure.
 */
export async function migrate(databaseUrl, options = {}) {
    const args = [
        '--url',
        withSslModeDisable(databaseUrl),
        '--migrations-dir',
        MIGRATIONS_DIR,
        '--no-dump-schema',
        '--wait',
        '--wait-timeout',
        options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT,
        'up',
    ];
    const output = await new Promise((resolve, reject) => {
        execFile(resolveDbmate(), args, { encoding: 'utf8' }, (error, stdout, stderr) => {
            if (error) {
                const detail = `${stderr}${stdout}`
                    .split('\n')
                    .filter((line) => line.trim() && !line.startsWith('Waiting for database'))
                    .join('\n') || error.message;
                reject(new Error(`dbmate up failed for ${redactUrl(databaseUrl)}: ${detail}`));
            }
            else {
                resolve(`${stdout}${stderr}`);
            }
        });
    });
    const log = options.log;
    if (log) {
        for (const line of output.split('\n'))
            if (line.trim())
                log(line.trim());
    }
}
async function main() {
    const databaseUrl = loadConfig().databaseUrl;
    if (!databaseUrl) {
        process.stderr.write('migrate: DATABASE_URL is not set\n');
        process.exit(1);
    }
    const applied = [];
    const started = performance.now();
    try {
        await migrate(databaseUrl, {
            log: (line) => {
                const match = /^Applying: (.+)$/.exec(line);
                if (match?.[1])
                    applied.push(match[1]);
            },
        });
    }
    catch (error) {
        process.stderr.write(`migrate: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    }
    const ms = Math.round(performance.now() - started);
    const what = applied.length === 0 ? 'already up to date' : `applied ${applied.join(', ')}`;
    process.stdout.write(`migrate: ${redactUrl(databaseUrl)} ${what} (${ms} ms)\n`);
}
if (isMain(import.meta.url))
    await main();
