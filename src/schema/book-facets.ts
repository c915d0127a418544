import { builder } from '../builder.js';
import type { BookFacets } from '../data/book-facets.js';
import { CategoryRef } from './category.js';

/**
 * A facet's values are counted by the one statement of `facets`, not fetched per value: a list
 * of them costs what one value does (src/schema/cost.ts), whatever the connection's page size.
 */
const FACET_LIST_COST = { field: 1, multiplier: 1 };

/** What `facets` costs and counts, on every connection that has it. */
export const FACETS_DESCRIPTION =
  'How many books of the whole list (all pages, the current filter) are in each category, ' +
  'language and availability, for a filter sidebar: one statement more, whatever the number ' +
  'of values. Counts apply the filter as given: a category facet under a category filter ' +
  'counts that tree only';

const CategoryFacet = builder
  .objectRef<BookFacets['categories'][number]>('CategoryFacet')
  .implement({
    description: 'Books shelved in one category (its own books, not its sub-categories)',
    fields: (t) => ({
      category: t.field({
        type: CategoryRef,
        description: 'The category, with its parent',
        resolve: (facet) => facet.category,
      }),
      count: t.exposeInt('count', { description: 'Books of the list in it' }),
    }),
  });

const LanguageFacet = builder
  .objectRef<BookFacets['languages'][number]>('LanguageFacet')
  .implement({
    description: 'Books in one language',
    fields: (t) => ({
      language: t.exposeString('language', { description: 'ISO 639 code, e.g. zh or en' }),
      count: t.exposeInt('count', { description: 'Books of the list in it' }),
    }),
  });

const AvailabilityFacet = builder
  .objectRef<BookFacets['availability'][number]>('AvailabilityFacet')
  .implement({
    description: 'Books that can or cannot be borrowed now',
    fields: (t) => ({
      available: t.exposeBoolean('available', {
        description: 'true: a copy is on the shelf (the `available: true` filter)',
      }),
      count: t.exposeInt('count', { description: 'Books of the list so' }),
    }),
  });

export const BookFacetsRef = builder.objectRef<BookFacets>('BookFacets').implement({
  description: 'Counts of a list of books by category, language and availability',
  fields: (t) => ({
    categories: t.field({
      complexity: FACET_LIST_COST,
      type: [CategoryFacet],
      description: 'Categories holding some of the books: most books first, then by name',
      resolve: (facets) => facets.categories,
    }),
    languages: t.field({
      complexity: FACET_LIST_COST,
      type: [LanguageFacet],
      description: 'Languages of the books: most books first, then by code',
      resolve: (facets) => facets.languages,
    }),
    availability: t.field({
      complexity: FACET_LIST_COST,
      type: [AvailabilityFacet],
      description: 'Available first, then not: always both, 0 when none',
      resolve: (facets) => facets.availability,
    }),
  }),
});

/** A connection result that can count its facets (see FACETS_DESCRIPTION). */
export interface WithFacets {
  facets?: () => Promise<BookFacets>;
}

/** Resolves `facets` from the function the connection's resolver put on its result. */
export function resolveFacets(connection: unknown): Promise<BookFacets> {
  const facets = (connection as WithFacets).facets;
  if (!facets) throw new Error('this connection does not count facets');
  return facets();
}
