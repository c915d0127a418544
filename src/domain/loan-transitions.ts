/**
 * The loan state machine: the one table that resolvers, SQL guards, docs and tests read. A hold
 * is a loan too: it opens QUEUED (placeHold, no copy yet) and a copy coming back FILLs it. The
 * README's diagram is printed from this table (src/domain/loan-diagram.ts).
 */

export const LOAN_STATUSES = [
  'QUEUED',
  'READY',
  'PENDING',
  'BORROWED',
  'RETURNED',
  'OVERDUE',
  'CANCELLED',
  'EXPIRED',
] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

/** Loans in these states hold a copy and count against the member's limit. */
export const OPEN_LOAN_STATUSES = [
  'PENDING',
  'BORROWED',
  'OVERDUE',
] as const satisfies LoanStatus[];

/**
 * Holds in these states count against MAX_ACTIVE_HOLDS, and a member has at most one of them
 * per title (a unique index).
 */
export const HOLD_STATUSES = ['QUEUED', 'READY'] as const satisfies LoanStatus[];

export const COPY_STATUSES = ['AVAILABLE', 'HELD', 'ON_LOAN', 'LOST', 'WITHDRAWN'] as const;
export type CopyStatus = (typeof COPY_STATUSES)[number];

/** The actions that open a loan: the `action` of a loan's first event, and the state it opens in. */
export const LOAN_OPENING_ACTIONS = ['RESERVE', 'BORROW', 'PLACE_HOLD'] as const;
export type LoanOpeningAction = (typeof LOAN_OPENING_ACTIONS)[number];
export const OPENS_IN = {
  RESERVE: 'PENDING',
  BORROW: 'PENDING',
  PLACE_HOLD: 'QUEUED',
} as const satisfies Record<LoanOpeningAction, LoanStatus>;

export type LoanAction =
  | 'CHECKOUT'
  | 'CANCEL'
  | 'RETURN'
  | 'RENEW'
  | 'MARK_OVERDUE'
  | 'FILL'
  | 'MOVE'
  | 'EXPIRE';

export interface LoanTransition {
  from: LoanStatus;
  to: LoanStatus;
  action: LoanAction;
  /**
   * The copy's status afterwards. AVAILABLE releases it: to the first QUEUED hold of its title
   * (which it FILLs, the copy HELD), else back on the shelf (+1 available).
   */
  copyTo?: CopyStatus;
  /** The loan stops counting against the member's loan limit. */
  closes?: boolean;
  /** The loan starts counting against the member's loan limit (a READY hold picked up). */
  opens?: boolean;
  /** The hold stops counting against MAX_ACTIVE_HOLDS. */
  endsHold?: boolean;
}

export const LOAN_TRANSITIONS: readonly LoanTransition[] = [
  { from: 'PENDING', to: 'BORROWED', action: 'CHECKOUT', copyTo: 'ON_LOAN' },
  { from: 'PENDING', to: 'CANCELLED', action: 'CANCEL', copyTo: 'AVAILABLE', closes: true },
  { from: 'PENDING', to: 'OVERDUE', action: 'MARK_OVERDUE' }, // pickup deadline passed
  { from: 'BORROWED', to: 'RETURNED', action: 'RETURN', copyTo: 'AVAILABLE', closes: true },
  { from: 'BORROWED', to: 'OVERDUE', action: 'MARK_OVERDUE' }, // due date passed
  { from: 'OVERDUE', to: 'RETURNED', action: 'RETURN', copyTo: 'AVAILABLE', closes: true },
  { from: 'BORROWED', to: 'BORROWED', action: 'RENEW' }, // refused while holds wait
  // The holds queue.
  { from: 'QUEUED', to: 'READY', action: 'FILL', copyTo: 'HELD' }, // a copy came back
  { from: 'QUEUED', to: 'QUEUED', action: 'MOVE' }, // a librarian reorders the queue
  { from: 'QUEUED', to: 'CANCELLED', action: 'CANCEL', endsHold: true },
  {
    from: 'READY',
    to: 'BORROWED',
    action: 'CHECKOUT',
    copyTo: 'ON_LOAN',
    opens: true,
    endsHold: true,
  },
  { from: 'READY', to: 'CANCELLED', action: 'CANCEL', copyTo: 'AVAILABLE', endsHold: true },
  { from: 'READY', to: 'EXPIRED', action: 'EXPIRE', copyTo: 'AVAILABLE', endsHold: true },
];

/** The transition `action` makes from `from`, or undefined when the machine forbids it. */
export function findTransition(from: LoanStatus, action: LoanAction): LoanTransition | undefined {
  return LOAN_TRANSITIONS.find((t) => t.from === from && t.action === action);
}

/** The states `action` may start from: the WHERE of its conditional UPDATE. */
export function sourcesOf(action: LoanAction): LoanStatus[] {
  return LOAN_TRANSITIONS.filter((t) => t.action === action).map((t) => t.from);
}

/** Whether `status` is a hold's (QUEUED or READY). */
export const isHold = (status: LoanStatus) =>
  (HOLD_STATUSES as readonly LoanStatus[]).includes(status);
