import { createBookPage } from './book-page.js';
import { createBookPageLoaders } from './book-pages.js';
import { createByIdLoaders } from './by-id.js';
import { createCirculationLoaders } from './circulation.js';
import { createRelationLoaders } from './relations.js';
/**
 * All DataLoaders of one request. Build a new set per request: they cache what they load.
 * Catalogue loaders read `readDb` (a replica when configured); loans and members, which a
 * member expects to see change at once, read the primary.
 */
export function createLoaders(readDb, primary = readDb) {
    const db = readDb;
    const byId = createByIdLoaders(db);
    const relations = createRelationLoaders(db, byId);
    return {
        ...byId,
        ...relations,
        bookPage: createBookPage(db, byId, relations),
        bookPages: createBookPageLoaders(db, byId),
        ...createCirculationLoaders(primary),
    };
}
