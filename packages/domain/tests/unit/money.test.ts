import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { money, multiplyMoney, sumMoney } from '../../src/money';

describe('money', () => {
  it('keeps amounts in integer minor units of the shop currency', () => {
    expect(money(1999)).toEqual({ amount: 1999, currency: 'USD' });
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('rejects the amount %s', (amount) => {
    expect(() => money(amount)).toThrow(ValidationError);
  });

  it('rejects any currency other than the shop currency', () => {
    expect(() => money(100, 'EUR')).toThrow(/only sells in USD/);
  });

  it('multiplies and sums without leaving integers', () => {
    const line = multiplyMoney(money(1999), 2);
    expect(line.amount).toBe(3998);
    expect(sumMoney([line, money(1)]).amount).toBe(3999);
  });
});
