import { lexicographicSortSchema } from 'graphql';
import { builder } from '../builder.js';
import './scalars.js';
import './error.js';
import './book.js';
import './book-mutations.js';
import './author.js';
import './author-mutations.js';
import './category.js';
import './category-mutations.js';
import './loan.js';
import './member.js';
import './member-mutations.js';
import './sign-in.js';
import './copy.js';
import './loan-errors.js';
import './loan-mutations.js';
import './hold.js';
import './notice.js';
import './fine.js';
import './fine-mutations.js';
import './subscriptions.js';
import './search.js';
import './hot-books.js';
import { TOTAL_COUNT_DESCRIPTION } from './pagination.js';

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: TOTAL_COUNT_DESCRIPTION,
    resolve: (connection) => {
      const count = connection.totalCount;
      return typeof count === 'function' ? count() : (count ?? 0);
    },
  }),
);

/** The executable schema: built once per process. */
export const schema = builder.toSchema();

/** The schema as committed in schema/schema.graphql: types sorted by name. */
export const printableSchema = () => lexicographicSortSchema(schema);
