
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "AddCopiesResult": [
      "AddCopiesSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "BorrowBookResult": [
      "BookUnavailableError",
      "BorrowBookSuccess",
      "ForbiddenError",
      "LoanLimitExceededError",
      "NotFoundError",
      "RateLimitedError",
      "ValidationError"
    ],
    "CancelReservationResult": [
      "CancelReservationSuccess",
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ValidationError"
    ],
    "CheckoutLoanResult": [
      "CheckoutLoanSuccess",
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreateAuthorResult": [
      "CreateAuthorSuccess",
      "ValidationError"
    ],
    "CreateBookResult": [
      "ConflictError",
      "CreateBookSuccess",
      "ValidationError"
    ],
    "CreateCategoryResult": [
      "ConflictError",
      "CreateCategorySuccess",
      "ValidationError"
    ],
    "CreateMemberResult": [
      "ConflictError",
      "CreateMemberSuccess",
      "ValidationError"
    ],
    "DeleteAuthorResult": [
      "ConflictError",
      "DeleteAuthorSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteBookResult": [
      "ConflictError",
      "DeleteBookSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteCategoryResult": [
      "ConflictError",
      "DeleteCategorySuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "Error": [
      "BookUnavailableError",
      "ConflictError",
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "LoanLimitExceededError",
      "NotFoundError",
      "RateLimitedError",
      "RenewalLimitReachedError",
      "ValidationError"
    ],
    "Node": [
      "Author",
      "Book",
      "Category",
      "Copy",
      "Loan",
      "LoanEvent",
      "Member",
      "Notice"
    ],
    "RenewLoanResult": [
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "RenewLoanSuccess",
      "RenewalLimitReachedError",
      "ValidationError"
    ],
    "ReserveBookResult": [
      "BookUnavailableError",
      "ForbiddenError",
      "LoanLimitExceededError",
      "NotFoundError",
      "RateLimitedError",
      "ReserveBookSuccess",
      "ValidationError"
    ],
    "ReturnBookResult": [
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ReturnBookSuccess",
      "ValidationError"
    ],
    "UpdateAuthorResult": [
      "NotFoundError",
      "UpdateAuthorSuccess",
      "ValidationError"
    ],
    "UpdateBookResult": [
      "ConflictError",
      "NotFoundError",
      "UpdateBookSuccess",
      "ValidationError"
    ],
    "UpdateCategoryResult": [
      "ConflictError",
      "NotFoundError",
      "UpdateCategorySuccess",
      "ValidationError"
    ],
    "UpdateMemberResult": [
      "ConflictError",
      "NotFoundError",
      "UpdateMemberSuccess",
      "ValidationError"
    ],
    "WithdrawCopyResult": [
      "ConflictError",
      "NotFoundError",
      "ValidationError",
      "WithdrawCopySuccess"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "AddCopiesResult": [
      "AddCopiesSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "BorrowBookResult": [
      "BookUnavailableError",
      "BorrowBookSuccess",
      "ForbiddenError",
      "LoanLimitExceededError",
      "NotFoundError",
      "RateLimitedError",
      "ValidationError"
    ],
    "CancelReservationResult": [
      "CancelReservationSuccess",
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ValidationError"
    ],
    "CheckoutLoanResult": [
      "CheckoutLoanSuccess",
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ValidationError"
    ],
    "CreateAuthorResult": [
      "CreateAuthorSuccess",
      "ValidationError"
    ],
    "CreateBookResult": [
      "ConflictError",
      "CreateBookSuccess",
      "ValidationError"
    ],
    "CreateCategoryResult": [
      "ConflictError",
      "CreateCategorySuccess",
      "ValidationError"
    ],
    "CreateMemberResult": [
      "ConflictError",
      "CreateMemberSuccess",
      "ValidationError"
    ],
    "DeleteAuthorResult": [
      "ConflictError",
      "DeleteAuthorSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteBookResult": [
      "ConflictError",
      "DeleteBookSuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "DeleteCategoryResult": [
      "ConflictError",
      "DeleteCategorySuccess",
      "NotFoundError",
      "ValidationError"
    ],
    "Error": [
      "BookUnavailableError",
      "ConflictError",
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "LoanLimitExceededError",
      "NotFoundError",
      "RateLimitedError",
      "RenewalLimitReachedError",
      "ValidationError"
    ],
    "Node": [
      "Author",
      "Book",
      "Category",
      "Copy",
      "Loan",
      "LoanEvent",
      "Member",
      "Notice"
    ],
    "RenewLoanResult": [
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "RenewLoanSuccess",
      "RenewalLimitReachedError",
      "ValidationError"
    ],
    "ReserveBookResult": [
      "BookUnavailableError",
      "ForbiddenError",
      "LoanLimitExceededError",
      "NotFoundError",
      "RateLimitedError",
      "ReserveBookSuccess",
      "ValidationError"
    ],
    "ReturnBookResult": [
      "ForbiddenError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ReturnBookSuccess",
      "ValidationError"
    ],
    "UpdateAuthorResult": [
      "NotFoundError",
      "UpdateAuthorSuccess",
      "ValidationError"
    ],
    "UpdateBookResult": [
      "ConflictError",
      "NotFoundError",
      "UpdateBookSuccess",
      "ValidationError"
    ],
    "UpdateCategoryResult": [
      "ConflictError",
      "NotFoundError",
      "UpdateCategorySuccess",
      "ValidationError"
    ],
    "UpdateMemberResult": [
      "ConflictError",
      "NotFoundError",
      "UpdateMemberSuccess",
      "ValidationError"
    ],
    "WithdrawCopyResult": [
      "ConflictError",
      "NotFoundError",
      "ValidationError",
      "WithdrawCopySuccess"
    ]
  }
};
      export default result;
    