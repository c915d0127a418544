
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "AddCopiesResult": [
      "AddCopiesSuccess",
      "ConflictError",
      "IdempotencyKeyReusedError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "BorrowBookResult": [
      "BookUnavailableError",
      "BorrowBookSuccess",
      "ConflictError",
      "ForbiddenError",
      "IdempotencyKeyReusedError",
      "LoanLimitExceededError",
      "MemberBlockedError",
      "NotFoundError",
      "RateLimitedError",
      "TimeoutError",
      "ValidationError"
    ],
    "CancelHoldResult": [
      "CancelHoldSuccess",
      "ConflictError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "CancelReservationResult": [
      "CancelReservationSuccess",
      "ConflictError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "CheckoutLoanResult": [
      "CheckoutLoanSuccess",
      "ConflictError",
      "InvalidLoanTransitionError",
      "LoanLimitExceededError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateAuthorResult": [
      "ConflictError",
      "CreateAuthorSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateBookResult": [
      "ConflictError",
      "CreateBookSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateCategoryResult": [
      "ConflictError",
      "CreateCategorySuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateMemberResult": [
      "ConflictError",
      "CreateMemberSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "DeleteAuthorResult": [
      "ConflictError",
      "DeleteAuthorSuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "DeleteBookResult": [
      "ConflictError",
      "DeleteBookSuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "DeleteCategoryResult": [
      "ConflictError",
      "DeleteCategorySuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "Error": [
      "BookUnavailableError",
      "ConflictError",
      "EmailTakenError",
      "FineSettledError",
      "ForbiddenError",
      "HoldAlreadyPlacedError",
      "HoldLimitExceededError",
      "HoldsWaitingError",
      "IdempotencyKeyReusedError",
      "InvalidCredentialsError",
      "InvalidLoanTransitionError",
      "LoanLimitExceededError",
      "MemberBlockedError",
      "NotFoundError",
      "OverpaymentError",
      "RateLimitedError",
      "RenewalLimitReachedError",
      "TimeoutError",
      "ValidationError"
    ],
    "MoveHoldResult": [
      "ConflictError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "MoveHoldSuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "Node": [
      "Author",
      "Book",
      "Category",
      "Copy",
      "Fine",
      "Loan",
      "LoanEvent",
      "Member",
      "Notice"
    ],
    "PlaceHoldResult": [
      "ConflictError",
      "ForbiddenError",
      "HoldAlreadyPlacedError",
      "HoldLimitExceededError",
      "IdempotencyKeyReusedError",
      "MemberBlockedError",
      "NotFoundError",
      "PlaceHoldSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RecordPaymentResult": [
      "ConflictError",
      "IdempotencyKeyReusedError",
      "NotFoundError",
      "OverpaymentError",
      "RecordPaymentSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RegisterMemberResult": [
      "ConflictError",
      "EmailTakenError",
      "RateLimitedError",
      "RegisterMemberSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RenewLoanResult": [
      "ConflictError",
      "HoldsWaitingError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "MemberBlockedError",
      "NotFoundError",
      "RenewLoanSuccess",
      "RenewalLimitReachedError",
      "TimeoutError",
      "ValidationError"
    ],
    "ReserveBookResult": [
      "BookUnavailableError",
      "ConflictError",
      "ForbiddenError",
      "IdempotencyKeyReusedError",
      "LoanLimitExceededError",
      "MemberBlockedError",
      "NotFoundError",
      "RateLimitedError",
      "ReserveBookSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "ReturnBookResult": [
      "ConflictError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ReturnBookSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RevokeTokensResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "RevokeTokensSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "SetPasswordResult": [
      "ConflictError",
      "InvalidCredentialsError",
      "RateLimitedError",
      "SetPasswordSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "SignInResult": [
      "ConflictError",
      "InvalidCredentialsError",
      "RateLimitedError",
      "SignInSuccess",
      "TimeoutError"
    ],
    "UpdateAuthorResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateAuthorSuccess",
      "ValidationError"
    ],
    "UpdateBookResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateBookSuccess",
      "ValidationError"
    ],
    "UpdateCategoryResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateCategorySuccess",
      "ValidationError"
    ],
    "UpdateMemberResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateMemberSuccess",
      "ValidationError"
    ],
    "WaiveFineResult": [
      "ConflictError",
      "FineSettledError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError",
      "WaiveFineSuccess"
    ],
    "WithdrawCopyResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError",
      "WithdrawCopySuccess"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "AddCopiesResult": [
      "AddCopiesSuccess",
      "ConflictError",
      "IdempotencyKeyReusedError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "BorrowBookResult": [
      "BookUnavailableError",
      "BorrowBookSuccess",
      "ConflictError",
      "ForbiddenError",
      "IdempotencyKeyReusedError",
      "LoanLimitExceededError",
      "MemberBlockedError",
      "NotFoundError",
      "RateLimitedError",
      "TimeoutError",
      "ValidationError"
    ],
    "CancelHoldResult": [
      "CancelHoldSuccess",
      "ConflictError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "CancelReservationResult": [
      "CancelReservationSuccess",
      "ConflictError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "CheckoutLoanResult": [
      "CheckoutLoanSuccess",
      "ConflictError",
      "InvalidLoanTransitionError",
      "LoanLimitExceededError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateAuthorResult": [
      "ConflictError",
      "CreateAuthorSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateBookResult": [
      "ConflictError",
      "CreateBookSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateCategoryResult": [
      "ConflictError",
      "CreateCategorySuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "CreateMemberResult": [
      "ConflictError",
      "CreateMemberSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "DeleteAuthorResult": [
      "ConflictError",
      "DeleteAuthorSuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "DeleteBookResult": [
      "ConflictError",
      "DeleteBookSuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "DeleteCategoryResult": [
      "ConflictError",
      "DeleteCategorySuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "Error": [
      "BookUnavailableError",
      "ConflictError",
      "EmailTakenError",
      "FineSettledError",
      "ForbiddenError",
      "HoldAlreadyPlacedError",
      "HoldLimitExceededError",
      "HoldsWaitingError",
      "IdempotencyKeyReusedError",
      "InvalidCredentialsError",
      "InvalidLoanTransitionError",
      "LoanLimitExceededError",
      "MemberBlockedError",
      "NotFoundError",
      "OverpaymentError",
      "RateLimitedError",
      "RenewalLimitReachedError",
      "TimeoutError",
      "ValidationError"
    ],
    "MoveHoldResult": [
      "ConflictError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "MoveHoldSuccess",
      "NotFoundError",
      "TimeoutError",
      "ValidationError"
    ],
    "Node": [
      "Author",
      "Book",
      "Category",
      "Copy",
      "Fine",
      "Loan",
      "LoanEvent",
      "Member",
      "Notice"
    ],
    "PlaceHoldResult": [
      "ConflictError",
      "ForbiddenError",
      "HoldAlreadyPlacedError",
      "HoldLimitExceededError",
      "IdempotencyKeyReusedError",
      "MemberBlockedError",
      "NotFoundError",
      "PlaceHoldSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RecordPaymentResult": [
      "ConflictError",
      "IdempotencyKeyReusedError",
      "NotFoundError",
      "OverpaymentError",
      "RecordPaymentSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RegisterMemberResult": [
      "ConflictError",
      "EmailTakenError",
      "RateLimitedError",
      "RegisterMemberSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RenewLoanResult": [
      "ConflictError",
      "HoldsWaitingError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "MemberBlockedError",
      "NotFoundError",
      "RenewLoanSuccess",
      "RenewalLimitReachedError",
      "TimeoutError",
      "ValidationError"
    ],
    "ReserveBookResult": [
      "BookUnavailableError",
      "ConflictError",
      "ForbiddenError",
      "IdempotencyKeyReusedError",
      "LoanLimitExceededError",
      "MemberBlockedError",
      "NotFoundError",
      "RateLimitedError",
      "ReserveBookSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "ReturnBookResult": [
      "ConflictError",
      "IdempotencyKeyReusedError",
      "InvalidLoanTransitionError",
      "NotFoundError",
      "ReturnBookSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "RevokeTokensResult": [
      "ConflictError",
      "ForbiddenError",
      "NotFoundError",
      "RevokeTokensSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "SetPasswordResult": [
      "ConflictError",
      "InvalidCredentialsError",
      "RateLimitedError",
      "SetPasswordSuccess",
      "TimeoutError",
      "ValidationError"
    ],
    "SignInResult": [
      "ConflictError",
      "InvalidCredentialsError",
      "RateLimitedError",
      "SignInSuccess",
      "TimeoutError"
    ],
    "UpdateAuthorResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateAuthorSuccess",
      "ValidationError"
    ],
    "UpdateBookResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateBookSuccess",
      "ValidationError"
    ],
    "UpdateCategoryResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateCategorySuccess",
      "ValidationError"
    ],
    "UpdateMemberResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "UpdateMemberSuccess",
      "ValidationError"
    ],
    "WaiveFineResult": [
      "ConflictError",
      "FineSettledError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError",
      "WaiveFineSuccess"
    ],
    "WithdrawCopyResult": [
      "ConflictError",
      "NotFoundError",
      "TimeoutError",
      "ValidationError",
      "WithdrawCopySuccess"
    ]
  }
};
      export default result;
    