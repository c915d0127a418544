import { z } from 'zod';
import { variable } from './variable.js';

/** An amount of money as written, `12` or `12.50`, kept as its string: exact, never a float. */
const money = () =>
  z.string().regex(/^\d{1,10}(\.\d{1,2})?$/, {
    error: 'must be an amount >= 0 with at most 2 decimal places, such as 0.25',
  });

/** An IANA time zone name that this Node knows (PostgreSQL reads the same tz database). */
const timeZone = () =>
  z.string().refine(
    (name) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: name });
        return true;
      } catch {
        return false;
      }
    },
    { error: 'must be an IANA time zone such as UTC or Europe/Paris' },
  );

/** Fines for late returns and the blocks they lead to (src/domain/fines.ts, blocks.ts). */
export const FINE_VARIABLES = {
  finePerDay: variable({
    name: 'FINE_PER_DAY',
    description:
      'fine per calendar day a loan comes back after its due date (exact decimal); `0`: no fines',
    schema: money(),
    default: '0.25',
  }),
  fineCap: variable({
    name: 'FINE_CAP',
    description: 'the most one late loan is fined, however late (exact decimal)',
    schema: money(),
    default: '10.00',
  }),
  fineBlockThreshold: variable({
    name: 'FINE_BLOCK_THRESHOLD',
    description:
      'a member whose balance is above this cannot borrow, reserve or renew (`MEMBER_BLOCKED`)',
    schema: money(),
    default: '5.00',
  }),
  libraryTimeZone: variable({
    name: 'LIBRARY_TIME_ZONE',
    description:
      "the library's time zone: its calendar dates count the days late (a return on the due date is on time)",
    schema: timeZone(),
    default: 'UTC',
  }),
};
