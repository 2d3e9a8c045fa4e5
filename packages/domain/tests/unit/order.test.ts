import { describe, expect, it } from 'vitest';
import { InvalidStateError, ValidationError } from '../../src/errors';
import {
  assertTransition,
  cancellationOf,
  canTransition,
  isOrderVisibleTo,
  newBasket,
  ORDER_STATUSES,
  type OrderStatus,
  statusesLeadingTo,
} from '../../src/order';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

const detailsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  return expect.fail('should have thrown');
};

describe('newBasket', () => {
  it('accepts distinct products with quantities 1..100', () => {
    expect(
      newBasket([
        { productId: A, quantity: 1 },
        { productId: B, quantity: 100 },
      ]),
    ).toEqual([
      { productId: A, quantity: 1 },
      { productId: B, quantity: 100 },
    ]);
  });

  it('names the repeated line of a product that appears twice, whatever its case', () => {
    expect(
      detailsOf(() =>
        newBasket([
          { productId: A, quantity: 1 },
          { productId: B, quantity: 1 },
          { productId: A.toUpperCase(), quantity: 2 },
        ]),
      ),
    ).toEqual([{ path: 'items.2.productId', message: 'appears more than once' }]);
  });

  it.each([0, 101, 1.5, -1, Number.NaN])('refuses the quantity %s', (quantity) => {
    expect(detailsOf(() => newBasket([{ productId: A, quantity }]))).toEqual([
      { path: 'items.0.quantity', message: expect.any(String) },
    ]);
  });

  it('refuses an empty basket and one of more than 50 lines', () => {
    expect(detailsOf(() => newBasket([]))).toEqual([{ path: 'items', message: expect.any(String) }]);
    const lines = Array.from({ length: 51 }, (_, i) => ({
      productId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      quantity: 1,
    }));
    expect(() => newBasket(lines)).toThrow(ValidationError);
    expect(newBasket(lines.slice(0, 50))).toHaveLength(50);
  });
});

describe('status transitions', () => {
  const legal: [OrderStatus, OrderStatus][] = [
    ['placed', 'shipped'],
    ['shipped', 'delivered'],
    ['placed', 'cancelled'],
  ];

  it('allows exactly placed -> shipped -> delivered and placed -> cancelled', () => {
    const allowed = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.filter((to) => canTransition(from, to)).map((to) => [from, to]),
    );
    expect(allowed).toEqual(expect.arrayContaining(legal));
    expect(allowed).toHaveLength(legal.length);
  });

  it.each([
    ['placed', 'delivered'],
    ['shipped', 'cancelled'],
    ['delivered', 'shipped'],
    ['cancelled', 'placed'],
    ['shipped', 'shipped'],
  ] as [OrderStatus, OrderStatus][])('refuses %s -> %s with INVALID_STATE', (from, to) => {
    expect(() => assertTransition(from, to)).toThrow(InvalidStateError);
  });

  it('knows which status each fulfilment step starts from', () => {
    expect(statusesLeadingTo('shipped')).toEqual(['placed']);
    expect(statusesLeadingTo('delivered')).toEqual(['shipped']);
    expect(statusesLeadingTo('placed')).toEqual([]);
  });
});

describe('cancellationOf', () => {
  it('cancels a placed order and leaves a cancelled one unchanged', () => {
    expect(cancellationOf('placed')).toBe('cancel');
    expect(cancellationOf('cancelled')).toBe('unchanged');
  });

  it.each(['shipped', 'delivered'] as OrderStatus[])('refuses once the order is %s', (status) => {
    expect(() => cancellationOf(status)).toThrow(InvalidStateError);
  });
});

describe('isOrderVisibleTo', () => {
  const order = { customerId: A };

  it('shows an order to its customer and to admins only', () => {
    expect(isOrderVisibleTo(order, { customerId: A, isAdmin: false })).toBe(true);
    expect(isOrderVisibleTo(order, { customerId: null, isAdmin: true })).toBe(true);
    expect(isOrderVisibleTo(order, { customerId: B, isAdmin: false })).toBe(false);
    expect(isOrderVisibleTo(order, { customerId: null, isAdmin: false })).toBe(false);
  });
});
