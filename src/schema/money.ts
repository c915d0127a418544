import { builder } from '../builder.js';
import { CATALOGUE_CURRENCY, type Money } from '../domain/money.js';

/** An amount of money with its currency (`Book.price`). */
export const MoneyRef = builder.objectRef<Money>('Money').implement({
  description: `An amount with its currency. Every price of the catalogue is in ${CATALOGUE_CURRENCY} today`,
  fields: (t) => ({
    amount: t.field({
      type: 'Decimal',
      description: 'Exact, two decimal places, as a string: "39.90"',
      resolve: (money) => money.amount as string,
    }),
    currency: t.exposeString('currency', {
      description: `ISO 4217 code, e.g. ${CATALOGUE_CURRENCY}`,
    }),
  }),
});
