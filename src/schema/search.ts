import { resolveCursorConnection } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import * as bookFacets from '../data/book-facets.js';
import * as search from '../data/search.js';
import type { BookFilter } from '../domain/book-list.js';
import { decodeSearchCursor, encodeSearchCursor, queryTag } from '../domain/search-cursor.js';
import { MAX_QUERY_LENGTH, parseSearchQuery, type SearchQuery } from '../domain/search-query.js';
import { SEARCH_FIELDS } from '../domain/search-rank.js';
import type { Book } from '../generated/prisma/client.js';
import { searchLatency } from '../metrics.js';
import { BookFilterInput, BookRef, primedFacets, toBookFilter } from './book.js';
import { BookFacetsRef, FACETS_DESCRIPTION, resolveFacets } from './book-facets.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.js';

const SEARCH_FIELD_DESCRIPTIONS = {
  TITLE: 'The title',
  SUBTITLE: 'The subtitle',
  AUTHOR: "An author's name",
  ISBN: 'The ISBN',
} satisfies Record<(typeof SEARCH_FIELDS)[number], string>;

const BookSearchField = builder.enumType('BookSearchField', {
  description: 'Where a search matched a book',
  values: Object.fromEntries(
    SEARCH_FIELDS.map((field) => [field, { description: SEARCH_FIELD_DESCRIPTIONS[field] }]),
  ) as Record<(typeof SEARCH_FIELDS)[number], { description: string }>,
});

type Row = Book & search.SearchRow;
/** What resolve puts on each edge besides cursor and node (Pothos types edges loosely). */
type Ranked = Pick<search.SearchRow, 'score' | 'matchedField'>;

/** One page of matches; every book fetched is primed into the request's book loader. */
async function fetchPage(
  query: SearchQuery,
  filter: BookFilter,
  page: search.SearchPage,
  ctx: Context,
) {
  const rows = await search.page(ctx.sql, query, filter, page);
  for (const { score: _, matchedField: __, popularity: ___, total: ____, ...book } of rows) {
    ctx.loaders.book.prime(book.id, book);
  }
  return rows;
}

builder.queryFields((t) => ({
  searchBooks: t.connection(
    {
      type: BookRef,
      description:
        'Books matching `query` by title, subtitle, author or ISBN, best first: Chinese ' +
        'characters, pinyin with or without spaces or tones, pinyin initials, English words ' +
        `(misspelt or not), an ISBN with or without hyphens. At most ${MAX_QUERY_LENGTH} ` +
        'characters; an empty or blank query is refused with VALIDATION_FAILED. For anyone; ' +
        'one statement per page. Rate limited per member, or per client address when ' +
        'anonymous: over the limit this field alone is null, with a top-level RATE_LIMITED ' +
        'error carrying `extensions.retryAfter` (seconds).',
      // Nullable so that a refusal nulls this field only, not the whole response.
      nullable: true,
      rateLimit: { name: 'searchBooks' },
      args: {
        query: t.arg.string({ required: true, description: 'What to look for' }),
        filter: t.arg({
          type: BookFilterInput,
          description: 'Only matches that also pass this filter',
        }),
      },
      resolve: async (_root, args, ctx) => {
        const query = parseSearchQuery(args.query);
        const stopTimer = searchLatency.startTimer({ kind: query.kind });
        try {
          const filter = toBookFilter(args.filter);
          const tag = queryTag(query);
          const after = args.after ? decodeSearchCursor(args.after, tag) : undefined;
          const before = args.before ? decodeSearchCursor(args.before, tag) : undefined;
          let total: number | undefined;
          const connection = await resolveCursorConnection(
            {
              args,
              defaultSize: DEFAULT_PAGE_SIZE,
              maxSize: MAX_PAGE_SIZE,
              toCursor: (row: Row) => encodeSearchCursor(tag, row),
            },
            async ({ limit, inverted }: { limit: number; inverted: boolean }) => {
              const rows = await fetchPage(query, filter, { after, before, limit, inverted }, ctx);
              total = rows[0]?.total;
              return rows;
            },
          );
          return {
            ...connection,
            edges: connection.edges.map((edge) =>
              edge
                ? {
                    cursor: edge.cursor,
                    node: edge.node as Book,
                    score: edge.node.score,
                    matchedField: edge.node.matchedField,
                  }
                : null,
            ),
            facets: () => primedFacets(ctx, bookFacets.ofSearch(ctx.sql, query, filter)),
            // Past the last page no row carries the total: then it costs one more statement.
            totalCount:
              total ??
              (async () =>
                (await fetchPage(query, filter, { limit: 1, inverted: false }, ctx))[0]?.total ??
                0),
          };
        } finally {
          stopTimer();
        }
      },
    },
    {
      name: 'BookSearchConnection',
      description: 'A page of search matches, best first',
      fields: (connection) => ({
        facets: connection.field({
          type: BookFacetsRef,
          description: `${FACETS_DESCRIPTION}. Of a search: its matches, as \`totalCount\` counts them`,
          resolve: resolveFacets,
        }),
      }),
    },
    {
      name: 'BookSearchEdge',
      description: 'A book matched by a search, with how well and where it matched',
      fields: (edge) => ({
        score: edge.float({
          description:
            'Relevance, higher first: 3 for an exact title, 2 to 3 a prefix, 1 to 2 a ' +
            'substring, below 1 a fuzzy match (a little less in an author, less in a subtitle); ' +
            '4 for the book an ISBN names',
          resolve: (e) => (e as Ranked).score,
        }),
        matchedField: edge.field({
          type: BookSearchField,
          description: 'Where the best match was',
          resolve: (e) => (e as Ranked).matchedField,
        }),
      }),
    },
  ),
}));
