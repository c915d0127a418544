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
export const LOAN_STATUSES = ['PENDING', 'BORROWED', 'RETURNED', 'OVERDUE', 'CANCELLED'];
/** Loans in these states hold a copy and count against the member's limit. */
export const OPEN_LOAN_STATUSES = [
    'PENDING',
    'BORROWED',
    'OVERDUE',
];
export const COPY_STATUSES = ['AVAILABLE', 'HELD', 'ON_LOAN', 'LOST', 'WITHDRAWN'];
export const LOAN_TRANSITIONS = [
    { from: 'PENDING', to: 'BORROWED', action: 'CHECKOUT', copyTo: 'ON_LOAN' },
    { from: 'PENDING', to: 'CANCELLED', action: 'CANCEL', copyTo: 'AVAILABLE', closes: true },
    { from: 'PENDING', to: 'OVERDUE', action: 'MARK_OVERDUE' }, // pickup deadline passed
    { from: 'BORROWED', to: 'RETURNED', action: 'RETURN', copyTo: 'AVAILABLE', closes: true },
    { from: 'BORROWED', to: 'OVERDUE', action: 'MARK_OVERDUE' }, // due date passed
    { from: 'OVERDUE', to: 'RETURNED', action: 'RETURN', copyTo: 'AVAILABLE', closes: true },
    { from: 'BORROWED', to: 'BORROWED', action: 'RENEW' },
];
/** The transition `action` makes from `from`, or undefined when the machine forbids it. */
export function findTransition(from, action) {
    return LOAN_TRANSITIONS.find((t) => t.from === from && t.action === action);
}
/** The states `action` may start from: the WHERE of its conditional UPDATE. */
export function sourcesOf(action) {
    return LOAN_TRANSITIONS.filter((t) => t.action === action).map((t) => t.from);
}
