import {
  LOAN_OPENING_ACTIONS,
  LOAN_STATUSES,
  LOAN_TRANSITIONS,
  type LoanTransition,
  OPENS_IN,
} from './loan-transitions.js';

/**
 * The README's state diagram (Mermaid), printed from LOAN_TRANSITIONS and the opening actions:
 * `npm run docs:config` writes it, test/config-docs.test.ts checks that it is current.
 */

const OPENING_NOTES: Record<(typeof LOAN_OPENING_ACTIONS)[number], string> = {
  RESERVE: 'reserveBook',
  BORROW: 'borrowBook, then CHECKOUT at once',
  PLACE_HOLD: 'placeHold, FILLed at once when a copy is on the shelf',
};

function effects(t: LoanTransition): string {
  const notes: string[] = [];
  if (t.copyTo === 'AVAILABLE') notes.push('copy to the next hold, else the shelf');
  else if (t.copyTo) notes.push(`copy ${t.copyTo}`);
  return notes.length ? ` (${notes.join(', ')})` : '';
}

/** States no transition leaves. */
export const finalStates = () =>
  LOAN_STATUSES.filter((s) => !LOAN_TRANSITIONS.some((t) => t.from === s));

/** The diagram as a fenced Mermaid block (labels without `;`, which ends a Mermaid statement). */
export function loanStateDiagram(): string {
  const lines = ['```mermaid', 'stateDiagram-v2'];
  for (const action of LOAN_OPENING_ACTIONS) {
    lines.push(`  [*] --> ${OPENS_IN[action]}: ${action} (${OPENING_NOTES[action]})`);
  }
  for (const t of LOAN_TRANSITIONS) lines.push(`  ${t.from} --> ${t.to}: ${t.action}${effects(t)}`);
  for (const s of finalStates()) lines.push(`  ${s} --> [*]`);
  lines.push('```');
  return lines.join('\n');
}
