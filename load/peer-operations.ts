/**
 * The operations of load/operations.ts in PostGraphile 5's shape (amber preset over bookmall's
 * tables): the same rows and fields, for the side-by-side runner (load/compare.ts). Not
 * bookmall documents: codegen does not collect this file.
 */

/** NestedBooks: the first books by title, with authors, category and parent category. */
export const PEER_NESTED_BOOKS = `
  query NestedBooks($first: Int!) {
    allBooks(first: $first, orderBy: [TITLE_ASC, PRIMARY_KEY_ASC]) {
      edges { node { title
        bookAuthorsByBookId(orderBy: POSITION_ASC) { nodes { authorByAuthorId { name } } }
        categoryByCategoryId { name categoryByParentId { name } } } }
    }
  }
`;

/**
 * AuthorsWithBooks: authors by name, each with 5 books and their categories. PostGraphile
 * orders an author's books by book id (it cannot order a join table by the book's title).
 */
export const PEER_AUTHORS_WITH_BOOKS = `
  query AuthorsWithBooks($first: Int!) {
    allAuthors(first: $first, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) {
      edges { node { name
        bookAuthorsByAuthorId(first: 5, orderBy: BOOK_ID_ASC) {
          edges { node { bookByBookId { title categoryByCategoryId { name } } } } } } }
    }
  }
`;

/**
 * BookDetail: one book with its authors and its category path (the seed's tree is two levels
 * deep, so the parent is the whole path).
 */
export const PEER_BOOK_DETAIL = `
  query BookDetail($id: Int!) {
    bookByRowId(rowId: $id) {
      id isbn title subtitle description language price publishedAt totalCopies availableCopies
      publisher pageCount coverImageUrl
      bookAuthorsByBookId(orderBy: POSITION_ASC) { nodes { authorByAuthorId { id name } } }
      categoryByCategoryId { id name categoryByParentId { name } }
    }
  }
`;
