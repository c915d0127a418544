/**
 * The loan state machine: the one table that resolvers, SQL guards, docs and tests read.
 *
 *   (new) --RESERVE--> PENDING --CHECKOUT--> BORROWED --RETURN--> RETURNED
 *                        |  \                 |   ^ \
 *                        |   CANCEL           |   |  MARK_OVERDUE
 *                        |    \               RENEW   \
 *                MARK_OVERDUE  CANCELLED               OVERDUE --RETURN--> RETURNED
 *                        \______________________________^
 */

export const LOAN_STATUSES = ['PENDING', 'BORROWED', 'RETURNED', 'OVERDUE', 'CANCELLED'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/** Loans in these states hold a copy and count against the member's limit. */
export const OPEN_LOAN_STATUSES = [
  'PENDING',
  'BORROWED',
  'OVERDUE',
] as const satisfies LoanStatus[];

export const COPY_STATUSES = ['AVAILABLE', 'HELD', 'ON_LOAN', 'LOST', 'WITHDRAWN'] as const;
export type CopyStatus = (typeof COPY_STATUSES)[number];

/** The actions that open a loan (as PENDING): the `action` of a loan's first event. */
export const LOAN_OPENING_ACTIONS = ['RESERVE', 'BORROW'] as const;

export type LoanAction = 'CHECKOUT' | 'CANCEL' | 'RETURN' | 'RENEW' | 'MARK_OVERDUE';

export interface LoanTransition {
  from: LoanStatus;
  to: LoanStatus;
  action: LoanAction;
  /** The copy's status afterwards; AVAILABLE puts it back on the shelf (+1 available). */
  copyTo?: CopyStatus;
  /** The loan stops counting against the member's limit. */
  closes?: boolean;
}

export const LOAN_TRANSITIONS: readonly LoanTransition[] = [
  { from: 'PENDING', to: 'BORROWED', action: 'CHECKOUT', copyTo: 'ON_LOAN' },
  { from: 'PENDING', to: 'CANCELLED', action: 'CANCEL', copyTo: 'AVAILABLE', closes: true },
  { from: 'PENDING', to: 'OVERDUE', action: 'MARK_OVERDUE' }, // pickup deadline passed
  { from: 'BORROWED', to: 'RETURNED', action: 'RETURN', copyTo: 'AVAILABLE', closes: true },
  { from: 'BORROWED', to: 'OVERDUE', action: 'MARK_OVERDUE' }, // due date passed
  { from: 'OVERDUE', to: 'RETURNED', action: 'RETURN', copyTo: 'AVAILABLE', closes: true },
  { from: 'BORROWED', to: 'BORROWED', action: 'RENEW' },
];

/** The transition `action` makes from `from`, or undefined when the machine forbids it. */
export function findTransition(from: LoanStatus, action: LoanAction): LoanTransition | undefined {
  return LOAN_TRANSITIONS.find((t) => t.from === from && t.action === action);
}

/** The states `action` may start from: the WHERE of its conditional UPDATE. */
export function sourcesOf(action: LoanAction): LoanStatus[] {
  return LOAN_TRANSITIONS.filter((t) => t.action === action).map((t) => t.from);
}
