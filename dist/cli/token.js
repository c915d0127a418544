import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { embeddedDatabaseUrl } from '../db/embedded-postgres.js';
import { decodeGlobalId } from '../domain/global-id.js';
import { signToken } from '../domain/tokens.js';
import { isMain } from './is-main.js';
// npm run token -- --member <id>   a token for that member (GraphQL ID or row id)
// npm run token -- --librarian     a token for the first librarian
// Reads DATABASE_URL, or the embedded server `npm start` runs. Prints the token alone.
async function main() {
    const { values } = parseArgs({
        options: { member: { type: 'string' }, librarian: { type: 'boolean' } },
    });
    if (!values.member && !values.librarian)
        throw new Error('use --member <id> or --librarian');
    const config = loadConfig();
    const client = new pg.Client({
        connectionString: config.databaseUrl ?? embeddedDatabaseUrl(config.embeddedPgPort),
    });
    await client.connect();
    try {
        const { rows } = values.librarian
            ? await client.query(`SELECT id, role::text AS role FROM member WHERE role = 'LIBRARIAN' ORDER BY id LIMIT 1`)
            : await client.query('SELECT id, role::text AS role FROM member WHERE id = $1', [memberRowId(values.member ?? '')]);
        const member = rows[0];
        if (!member)
            throw new Error(values.librarian ? 'no librarian in the database' : 'no such member');
        process.stdout.write(`${await signToken(config.jwtSecret, member.id, member.role, config.jwtTtlSeconds)}\n`);
    }
    finally {
        await client.end();
    }
}
function memberRowId(raw) {
    if (/^\d+$/.test(raw))
        return Number(raw);
    const { typename, id } = decodeGlobalId(raw);
    if (typename !== 'Member')
        throw new Error(`${raw} is not a Member id`);
    return Number(id);
}
if (isMain(import.meta.url)) {
    main().catch((error) => {
        process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
