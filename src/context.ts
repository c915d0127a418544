import type { Db } from './db.js';
import { protocolError } from './errors.js';
import { createLoaders, type Loaders } from './loaders/index.js';

/** Who is calling. Until token auth exists, only a development header can make a librarian. */
export interface Viewer {
  role: 'ANONYMOUS' | 'LIBRARIAN';
}

export interface Context {
  db: Db;
  loaders: Loaders;
  viewer: Viewer;
}

/** Name of the development-only header that stands in for a librarian's credentials. */
export const DEV_ROLE_HEADER = 'x-bookmall-role';

export interface ContextOptions {
  db: Db;
  /** Honour DEV_ROLE_HEADER. Default `false`. */
  devRoleHeader?: boolean;
}

/** Builds the per-request context: a fresh set of loaders, and the viewer. */
export function createContext(request: Request, { db, devRoleHeader = false }: ContextOptions) {
  const role = devRoleHeader && request.headers.get(DEV_ROLE_HEADER)?.toUpperCase();
  return {
    db,
    loaders: createLoaders(db),
    viewer: { role: role === 'LIBRARIAN' ? 'LIBRARIAN' : 'ANONYMOUS' },
  } satisfies Context;
}

/** Catalogue and desk mutations are for librarians: anyone else gets FORBIDDEN. */
export function assertLibrarian(viewer: Viewer): void {
  if (viewer.role !== 'LIBRARIAN') {
    throw protocolError('FORBIDDEN', 'Only librarians may change the catalogue', 403);
  }
}
