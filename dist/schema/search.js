import { resolveCursorConnection } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { decodeSearchCursor, encodeSearchCursor, queryTag } from '../domain/search-cursor.js';
import { searchPageSql } from '../domain/search-page.js';
import { MAX_QUERY_LENGTH, parseSearchQuery } from '../domain/search-query.js';
import { SEARCH_FIELDS } from '../domain/search-rank.js';
import { searchLatency } from '../metrics.js';
import { BookFilterInput, BookRef, toBookFilter } from './book.js';
import { checkPageSizes, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';
const BookSearchField = builder.enumType('BookSearchField', {
    description: 'Where a search matched a book',
    values: SEARCH_FIELDS,
});
/** One page of matches; every book fetched is primed into the request's book loader. */
async function fetchPage(query, filter, page, ctx) {
    const sql = searchPageSql(query, filter, page);
    if (!sql)
        return [];
    const rows = await ctx.db.$queryRaw(sql);
    for (const { score: _, matchedField: __, popularity: ___, total: ____, ...book } of rows) {
        ctx.loaders.book.prime(book.id, book);
    }
    return rows;
}
builder.queryFields((t) => ({
    searchBooks: t.connection({
        type: BookRef,
        description: 'Books matching `query` by title, subtitle, author or ISBN, best first: Chinese ' +
            'characters, pinyin with or without spaces or tones, pinyin initials, English words ' +
            `(misspelt or not), an ISBN with or without hyphens. At most ${MAX_QUERY_LENGTH} ` +
            'characters; an empty or blank query is refused with VALIDATION_FAILED. Rate limited ' +
            'per member, or per client address when anonymous: over the limit, null with a ' +
            'RATE_LIMITED error carrying `extensions.retryAfter` (seconds).',
        // Nullable so that a refusal nulls this field only, not the whole response.
        nullable: true,
        rateLimit: { name: 'searchBooks' },
        args: {
            query: t.arg.string({ required: true }),
            filter: t.arg({ type: BookFilterInput }),
        },
        resolve: async (_root, args, ctx) => {
            const query = parseSearchQuery(args.query);
            const stopTimer = searchLatency.startTimer({ kind: query.kind });
            try {
                checkPageSizes(args);
                const filter = toBookFilter(args.filter);
                const tag = queryTag(query);
                const after = args.after ? decodeSearchCursor(args.after, tag) : undefined;
                const before = args.before ? decodeSearchCursor(args.before, tag) : undefined;
                let total;
                const connection = await resolveCursorConnection({
                    args,
                    defaultSize: DEFAULT_PAGE_SIZE,
                    maxSize: MAX_PAGE_SIZE,
                    toCursor: (row) => encodeSearchCursor(tag, row),
                }, async ({ limit, inverted }) => {
                    const rows = await fetchPage(query, filter, { after, before, limit, inverted }, ctx);
                    total = rows[0]?.total;
                    return rows;
                });
                return {
                    ...connection,
                    edges: connection.edges.map((edge) => edge
                        ? {
                            cursor: edge.cursor,
                            node: edge.node,
                            score: edge.node.score,
                            matchedField: edge.node.matchedField,
                        }
                        : null),
                    // Past the last page no row carries the total: then it costs one more statement.
                    totalCount: total ??
                        (async () => (await fetchPage(query, filter, { limit: 1, inverted: false }, ctx))[0]?.total ??
                            0),
                };
            }
            finally {
                stopTimer();
            }
        },
    }, { name: 'BookSearchConnection' }, {
        name: 'BookSearchEdge',
        fields: (edge) => ({
            score: edge.float({
                description: 'Relevance, higher first: 3 for an exact title, 2 to 3 a prefix, 1 to 2 a ' +
                    'substring, below 1 a fuzzy match (a little less in an author, less in a subtitle); ' +
                    '4 for the book an ISBN names',
                resolve: (e) => e.score,
            }),
            matchedField: edge.field({
                type: BookSearchField,
                resolve: (e) => e.matchedField,
            }),
        }),
    }),
}));
