import { describe, expect, it } from 'vitest';
import {
  findTransition,
  isHold,
  LOAN_STATUSES,
  LOAN_TRANSITIONS,
  type LoanAction,
  sourcesOf,
} from '../../src/domain/loan-transitions.js';

const ACTIONS: LoanAction[] = [
  'CHECKOUT',
  'CANCEL',
  'RETURN',
  'RENEW',
  'MARK_OVERDUE',
  'FILL',
  'MOVE',
  'EXPIRE',
];

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
        'QUEUED -FILL-> READY',
        'QUEUED -MOVE-> QUEUED',
        'QUEUED -CANCEL-> CANCELLED',
        'READY -CHECKOUT-> BORROWED',
        'READY -CANCEL-> CANCELLED',
        'READY -EXPIRE-> EXPIRED',
      ].sort(),
    );
  });

  it('leaves RETURNED, CANCELLED and EXPIRED final', () => {
    for (const action of ACTIONS) {
      expect(findTransition('RETURNED', action)).toBeUndefined();
      expect(findTransition('CANCELLED', action)).toBeUndefined();
      expect(findTransition('EXPIRED', action)).toBeUndefined();
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
    for (const t of LOAN_TRANSITIONS.filter((t) => !isHold(t.from))) {
      expect(Boolean(t.closes)).toBe(t.to === 'RETURNED' || t.to === 'CANCELLED');
      if (t.closes) expect(t.copyTo).toBe('AVAILABLE');
    }
  });

  it('frees the hold slot exactly when a hold leaves QUEUED and READY, and a READY copy with it', () => {
    for (const t of LOAN_TRANSITIONS.filter((t) => isHold(t.from))) {
      expect(Boolean(t.endsHold)).toBe(!isHold(t.to));
      expect(Boolean(t.closes)).toBe(false);
      // A READY hold's copy is picked up or passed on; a QUEUED hold has none to free.
      if (t.from === 'READY' && t.to !== 'BORROWED') expect(t.copyTo).toBe('AVAILABLE');
      if (t.from === 'QUEUED') expect(t.copyTo === 'AVAILABLE').toBe(false);
      expect(Boolean(t.opens)).toBe(t.to === 'BORROWED');
    }
  });
});
