// Many customers at once on the same products: no overselling, no deadlock, every event written.
// The orders run through the real handler on a pool of 24 connections, so up to 24 transactions
// really wait on the same row locks at the same time.
import { randomUUID } from 'node:crypto';
import type { Order } from '@shop/domain';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  address,
  createHarness,
  eventsOf,
  insertProduct,
  resetOrders,
  stockOf,
} from '../support/harness';

const CONNECTIONS = 24;
const harness = createHarness({ poolSize: CONNECTIONS });
const { handlers: h, db } = harness;

afterAll(() => harness.close());
beforeEach(() => resetOrders(db));

interface Answer {
  statusCode: number;
  body: Order & { error?: { code: string; details?: unknown[] } };
}

// Each order comes from a customer of its own: one customer's orders are decided one at a time
// (their limits, see customer-limits.test.ts), so only many customers contend for the rows.
const place = (items: { productId: string; quantity: number }[]): Promise<Answer> =>
  invoke<Answer['body']>(h.place, {
    method: 'POST',
    path: '/orders',
    body: { items, shippingAddress: address },
    claims: claimsOf(randomUUID(), ['customer']),
  });

const outcomes = (answers: Answer[]) => {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.statusCode === 201 ? '201' : `${a.statusCode} ${a.body.error?.code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

describe('a hot product', () => {
  it.each([1, 2, 3, 4, 5])(
    'sells exactly its stock of 100 to 1,000 concurrent single-unit orders (run %i)',
    async () => {
      const product = await insertProduct(db, { stock: 100 });
      const answers = await Promise.all(
        Array.from({ length: 1000 }, () => place([{ productId: product, quantity: 1 }])),
      );
      expect(outcomes(answers)).toEqual({ '201': 100, '409 INSUFFICIENT_STOCK': 900 });
      for (const refused of answers.filter((a) => a.statusCode === 409)) {
        expect(refused.body.error?.details).toEqual([{ productId: product, requested: 1, available: 0 }]);
      }
      expect(await stockOf(db, product)).toBe(0);
      const { count } = await db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(count)).toBe(100);
      const events = await eventsOf(db, product);
      expect(events).toHaveLength(100);
      expect(events.reduce((sum, e) => sum + (e.delta as number), 0)).toBe(-100);
      // Per product the events form one unbroken chain 100 -> 0: the row lock serialised them.
      const chain = events
        .map((e) => [e.previousStock, e.newStock])
        .sort((x, y) => Number(y[0]) - Number(x[0]));
      expect(chain).toEqual(Array.from({ length: 100 }, (_, i) => [100 - i, 99 - i]));
    },
  );
});

describe('baskets with the same products in opposite orders', () => {
  it('never deadlock: 200 concurrent {A,B} and {B,A} orders all succeed', async () => {
    const a = await insertProduct(db, { stock: 10_000 });
    const b = await insertProduct(db, { stock: 10_000 });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        place(
          i % 2 === 0
            ? [
                { productId: a, quantity: 2 },
                { productId: b, quantity: 3 },
              ]
            : [
                { productId: b, quantity: 3 },
                { productId: a, quantity: 2 },
              ],
        ),
      ),
    );
    expect(outcomes(answers)).toEqual({ '201': 200 });
    expect(await stockOf(db, a)).toBe(10_000 - 400);
    expect(await stockOf(db, b)).toBe(10_000 - 600);
  });

  it('only ever answer success or INSUFFICIENT_STOCK when stock runs out mid-way, and stay consistent', async () => {
    const a = await insertProduct(db, { stock: 150 });
    const b = await insertProduct(db, { stock: 120 });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        place(
          i % 2 === 0
            ? [
                { productId: a, quantity: 1 },
                { productId: b, quantity: 1 },
              ]
            : [
                { productId: b, quantity: 1 },
                { productId: a, quantity: 1 },
              ],
        ),
      ),
    );
    expect(outcomes(answers)).toEqual({ '201': 120, '409 INSUFFICIENT_STOCK': 80 });
    expect(await stockOf(db, a)).toBe(30);
    expect(await stockOf(db, b)).toBe(0);
  });

  it('never deadlock with cancellations of the same products running at the same time', async () => {
    const a = await insertProduct(db, { stock: 1_000 });
    const b = await insertProduct(db, { stock: 1_000 });
    const basket = [
      { productId: a, quantity: 1 },
      { productId: b, quantity: 2 },
    ];
    const first = await Promise.all(Array.from({ length: 100 }, () => place(basket)));
    const cancels = first.map((answer) =>
      invoke(h.cancel, {
        method: 'POST',
        path: `/orders/${answer.body.id}/cancel`,
        pathParameters: { id: answer.body.id },
        claims: ADMIN,
      }),
    );
    const more = Array.from({ length: 100 }, () => place([...basket].reverse()));
    const answers = await Promise.all([...cancels, ...more]);
    expect(answers.map((x) => x.statusCode).sort()).toEqual([
      ...Array<number>(100).fill(200),
      ...Array<number>(100).fill(201),
    ]);
    expect(await stockOf(db, a)).toBe(1_000 - 100);
    expect(await stockOf(db, b)).toBe(1_000 - 200);
    const deltas = (await eventsOf(db, b)).reduce((sum, e) => sum + (e.delta as number), 0);
    expect(deltas).toBe(-200);
  });
});
