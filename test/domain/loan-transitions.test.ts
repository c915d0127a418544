import { describe, expect, it } from 'vitest';
import {
  findTransition,
  LOAN_STATUSES,
  LOAN_TRANSITIONS,
  type LoanAction,
  sourcesOf,
} from '../../src/domain/loan-transitions.js';

const ACTIONS: LoanAction[] = ['CHECKOUT', 'CANCEL', 'RETURN', 'RENEW', 'MARK_OVERDUE'];

describe('LOAN_TRANSITIONS', () => {
  it('is exactly the machine of the issue', () => {
    expect(LOAN_TRANSITIONS.map((t) => `${t.from} -${t.action}-> ${t.to}`).sort()).toEqual(
      [
        'PENDING -CHECKOUT-> BORROWED',
        'PENDING -CANCEL-> CANCELLED',
        'PENDING -MARK_OVERDUE-> OVERDUE',
        'BORROWED -RETURN-> RETURNED',
        'BORROWED -MARK_OVERDUE-> OVERDUE',
        'OVERDUE -RETURN-> RETURNED',
        'BORROWED -RENEW-> BORROWED',
      ].sort(),
    );
  });

  it('leaves RETURNED and CANCELLED final', () => {
    for (const action of ACTIONS) {
      expect(findTransition('RETURNED', action)).toBeUndefined();
      expect(findTransition('CANCELLED', action)).toBeUndefined();
    }
  });

  it('gives each action the source states its SQL guard names', () => {
    for (const action of ACTIONS) {
      for (const status of LOAN_STATUSES) {
        expect(sourcesOf(action).includes(status)).toBe(
          findTransition(status, action) !== undefined,
        );
      }
    }
  });

  it('frees the copy and the member slot exactly when a loan closes', () => {
    for (const t of LOAN_TRANSITIONS) {
      expect(Boolean(t.closes)).toBe(t.to === 'RETURNED' || t.to === 'CANCELLED');
      if (t.closes) expect(t.copyTo).toBe('AVAILABLE');
    }
  });
});
