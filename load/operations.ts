/**
 * Operations shared by the tests and the load scenarios, so that what is measured is what is
 * tested.
 */

/** The catalogue's nested list: books with their authors and category tree. */
export const NESTED_BOOKS = /* GraphQL */ `
  query NestedBooks($first: Int!) {
    books(first: $first) {
      edges { node { title authors { name } category { name parent { name } } } }
    }
  }
`;

/** Authors, each with a page of their books. */
export const AUTHORS_WITH_BOOKS = /* GraphQL */ `
  query AuthorsWithBooks($first: Int!) {
    authors(first: $first) {
      edges { node { name books(first: 5) { edges { node { title category { name } } } } } }
    }
  }
`;

/** A page of search results with each book's authors and category. */
export const SEARCH_BOOKS = /* GraphQL */ `
  query SearchBooks($query: String!, $first: Int, $after: String, $filter: BookFilter) {
    searchBooks(query: $query, first: $first, after: $after, filter: $filter) {
      totalCount
      edges {
        cursor
        score
        matchedField
        node { id isbn title language authors { name } category { name } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** One book with everything a detail page shows. */
export const BOOK_DETAIL = /* GraphQL */ `
  query BookDetail($id: ID!) {
    book(id: $id) {
      id isbn title subtitle description language price { amount currency } publishedAt
      totalCopies availableCopies publisher pageCount coverImageUrl
      authors { id name }
      category { id name ancestors { name } }
    }
  }
`;

/** The signed-in member's open loans and recent history. */
export const MY_LOANS = /* GraphQL */ `
  query MyLoans {
    me { name activeLoans { id status dueAt book { title } } loans(first: 10) { edges { node { id status } } } }
  }
`;

/** Borrow a book (the member comes from the bearer token). */
export const BORROW_BOOK = /* GraphQL */ `
  mutation BorrowBook($bookId: ID!) {
    borrowBook(bookId: $bookId) {
      __typename
      ... on Error { code }
      ... on BorrowBookSuccess { loan { id status dueAt } }
    }
  }
`;

/** Give a loan back (its copy goes to the first hold in the queue, else the shelf). */
export const RETURN_BOOK = /* GraphQL */ `
  mutation ReturnBook($loanId: ID!) {
    returnBook(loanId: $loanId) {
      __typename
      ... on Error { code }
      ... on ReturnBookSuccess { loan { id status } }
    }
  }
`;

/** Renew a loan (refused while members queue for the title). */
export const RENEW_LOAN = /* GraphQL */ `
  mutation RenewLoan($loanId: ID!) {
    renewLoan(loanId: $loanId) {
      __typename
      ... on Error { code }
      ... on RenewLoanSuccess { loan { id status dueAt } }
    }
  }
`;

/** Pick up a READY hold (or a reservation). */
export const CHECKOUT_LOAN = /* GraphQL */ `
  mutation CheckoutLoan($loanId: ID!) {
    checkoutLoan(loanId: $loanId) {
      __typename
      ... on Error { code }
      ... on CheckoutLoanSuccess { loan { id status dueAt } }
    }
  }
`;

/** Queue for a title. */
export const PLACE_HOLD = /* GraphQL */ `
  mutation PlaceHold($bookId: ID!) {
    placeHold(bookId: $bookId) {
      __typename
      ... on Error { code }
      ... on PlaceHoldSuccess { hold { id status position } }
    }
  }
`;

/** The signed-in member's holds with their places in the queues. */
export const MY_HOLDS = /* GraphQL */ `
  query MyHolds {
    me { holds { id status position pickupDeadline book { title holdQueueLength } } }
  }
`;
