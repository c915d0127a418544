import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createDb } from '../db.js';
import { reindexSearch } from '../domain/search-index.js';
import { isMain } from './is-main.js';
/**
 * `npm run db:reindex-search [-- --missing]`: recomputes the search rows of every book of
 * DATABASE_URL, or with --missing only of books that have none (a backfill).
 */
async function main() {
    const { values } = parseArgs({ options: { missing: { type: 'boolean' } } });
    const databaseUrl = loadConfig().databaseUrl;
    if (!databaseUrl)
        throw new Error('DATABASE_URL is not set');
    const database = createDb({ url: databaseUrl, poolSize: 1, statementTimeoutMs: 0 });
    const out = (line) => process.stdout.write(`${line}\n`);
    const started = performance.now();
    try {
        const count = await reindexSearch(database.db, { missingOnly: values.missing, log: out });
        // Every rewritten row left a dead one and an entry in the GIN pending lists, which each
        // search reads through until a vacuum: clean up now rather than when autovacuum gets to it.
        if (count > 0)
            await database.pool.query('VACUUM (ANALYZE) book_search, search_term');
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        out(`search: ${count} books indexed in ${seconds} s`);
    }
    finally {
        await database.close();
    }
}
if (isMain(import.meta.url)) {
    await main().catch((error) => {
        process.stderr.write(`reindex: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
