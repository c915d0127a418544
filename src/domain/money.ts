/**
 * The currency of every price in the catalogue, ISO 4217: the demo catalogue's prices are in
 * yuan. One currency for all books, so that a price filter or a PRICE sort compares like with
 * like; `Money.currency` says it on every price, so that a client never assumes it, and a
 * catalogue of several currencies would change no query.
 */
export const CATALOGUE_CURRENCY = 'CNY';

/** A price: an exact amount (a Prisma Decimal or its text) and its currency. */
export interface Money<Amount = unknown> {
  amount: Amount;
  currency: string;
}

/** The price of a book, whose column holds the amount in CATALOGUE_CURRENCY. */
export const moneyOf = <Amount>(amount: Amount): Money<Amount> => ({
  amount,
  currency: CATALOGUE_CURRENCY,
});
