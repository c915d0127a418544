import type { SqlClient } from '../data/sql.js';
import type { Db } from '../db.js';
import { createBookDetailLoaders, createBookPage } from './book-page.js';
import { createBookPageLoaders } from './book-pages.js';
import { createByIdLoaders } from './by-id.js';
import { createCirculationLoaders } from './circulation.js';
import { createFineLoaders } from './fines.js';
import { createNoticeLoaders } from './notices.js';
import { createRelationLoaders } from './relations.js';

/**
 * All DataLoaders of one request. Build a new set per request: they cache what they load.
 * Catalogue loaders read `readSql` (a replica when configured); loans and members, which a
 * member expects to see change at once, read the primary.
 */
export function createLoaders(readSql: SqlClient, primary: Db) {
  const byId = createByIdLoaders(readSql);
  const relations = createRelationLoaders(readSql, byId);
  return {
    ...byId,
    ...relations,
    bookPage: createBookPage(readSql, byId, relations),
    bookDetail: createBookDetailLoaders(readSql, byId, relations),
    bookPages: createBookPageLoaders(readSql, byId),
    ...createCirculationLoaders(primary),
    ...createNoticeLoaders(primary),
    ...createFineLoaders(primary),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
