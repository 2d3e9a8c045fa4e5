import { ValidationError } from './errors';

/** The shop sells in one currency (ISO 4217). */
export const SHOP_CURRENCY = 'USD';
export type Currency = typeof SHOP_CURRENCY;

/** Largest price a product may have, in minor units. */
export const MAX_PRICE_AMOUNT = 100_000_000;

/** An amount of money in minor units (cents), never a float. */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export const money = (amount: number, currency: string = SHOP_CURRENCY): Money => {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new ValidationError('Money amounts are non-negative integers in minor units', [
      { path: 'amount', message: 'must be a non-negative integer' },
    ]);
  }
  if (currency !== SHOP_CURRENCY) {
    throw new ValidationError(`The shop only sells in ${SHOP_CURRENCY}`, [
      { path: 'currency', message: `must be ${SHOP_CURRENCY}` },
    ]);
  }
  return Object.freeze({ amount, currency: SHOP_CURRENCY });
};

export const multiplyMoney = (price: Money, quantity: number): Money =>
  money(price.amount * quantity, price.currency);

export const sumMoney = (amounts: readonly Money[]): Money =>
  money(amounts.reduce((total, m) => total + m.amount, 0));
