// GET /products/{id}/stock-history against real PostgreSQL: the ledger rows inventory-stream writes
// (inserted directly here), newest first, in pages that neither repeat nor skip an entry.
import type { Product } from '@shop/domain';
import { invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, createHarness, ledgerRow, newProductBody, resetCatalog } from '../support/harness';

const harness = createHarness();
const { handlers: h } = harness;

afterAll(() => harness.close());
beforeEach(() => resetCatalog(harness));

interface Entry {
  eventId: string;
  delta: number;
  reason: string;
  previousStock: number;
  newStock: number;
  orderId: string | null;
  occurredAt: string;
}
interface Page {
  items: Entry[];
  nextCursor: string | null;
}

const create = async (overrides: Record<string, unknown> = {}) => {
  const res = await invoke<Product>(h.create, {
    method: 'POST',
    path: '/products',
    body: newProductBody({ stock: 0, ...overrides }),
    claims: ADMIN,
  });
  expect(res.statusCode).toBe(201);
  return res.body;
};

const history = (id: string, query: Record<string, string> = {}) =>
  invoke<Page>(h.stockHistory, {
    method: 'GET',
    path: `/products/${id}/stock-history`,
    pathParameters: { id },
    query,
    claims: ADMIN,
  });

/** Inserts `count` ledger rows one after the other (oldest first) and returns their event ids. */
const recordEvents = async (productId: string, count: number): Promise<string[]> => {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const row = ledgerRow(productId, { previous_stock: i, new_stock: i + 1, delta: 1 });
    await harness.db.insertInto('stock_ledger').values(row).execute();
    ids.push(row.event_id);
  }
  return ids;
};

/** Follows nextCursor from the first page to the last. */
const allPages = async (id: string, limit: string): Promise<Page[]> => {
  const pages: Page[] = [];
  let cursor: string | null | undefined;
  do {
    const res = await history(id, { limit, ...(cursor ? { cursor } : {}) });
    expect(res.statusCode).toBe(200);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
};

describe('GET /products/{id}/stock-history', () => {
  it('answers the ledger entries of the product, newest first, in the documented shape', async () => {
    const product = await create();
    const other = await create();
    const orderId = '0b8a4bd4-4f7e-4c39-9a53-6c1f7a0f0c11';
    const restock = ledgerRow(product.id, {
      delta: 10,
      reason: 'restock',
      previous_stock: 0,
      new_stock: 10,
      occurred_at: new Date('2026-11-20T10:00:00.000Z'),
    });
    const sale = ledgerRow(product.id, {
      delta: -2,
      reason: 'order',
      previous_stock: 10,
      new_stock: 8,
      order_id: orderId,
      occurred_at: new Date('2026-11-21T09:30:00.000Z'),
    });
    await harness.db.insertInto('stock_ledger').values(restock).execute();
    await harness.db.insertInto('stock_ledger').values(ledgerRow(other.id)).execute();
    await harness.db.insertInto('stock_ledger').values(sale).execute();

    const res = await history(product.id);

    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.body).toEqual({
      items: [
        {
          eventId: sale.event_id,
          delta: -2,
          reason: 'order',
          previousStock: 10,
          newStock: 8,
          orderId,
          occurredAt: '2026-11-21T09:30:00.000Z',
        },
        {
          eventId: restock.event_id,
          delta: 10,
          reason: 'restock',
          previousStock: 0,
          newStock: 10,
          orderId: null,
          occurredAt: '2026-11-20T10:00:00.000Z',
        },
      ],
      nextCursor: null,
    });
  });

  it('pages through 45 entries with no duplicates and no gaps until nextCursor is null', async () => {
    const product = await create();
    const other = await create();
    const written = await recordEvents(product.id, 45);
    await recordEvents(other.id, 3);

    const pages = await allPages(product.id, '10');

    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 10, 10, 5]);
    expect(pages.at(-1)!.nextCursor).toBeNull();
    const seen = pages.flatMap((page) => page.items.map((entry) => entry.eventId));
    expect(seen).toEqual([...written].reverse());
    expect(new Set(seen).size).toBe(45);
  });

  it('keeps pages stable while new entries arrive: they appear on a fresh first page only', async () => {
    const product = await create();
    const written = await recordEvents(product.id, 6);
    const first = await history(product.id, { limit: '4' });
    const [late] = await recordEvents(product.id, 1);

    const second = await history(product.id, { limit: '4', cursor: first.body.nextCursor! });

    expect([...first.body.items, ...second.body.items].map((e) => e.eventId)).toEqual([...written].reverse());
    expect(second.body.nextCursor).toBeNull();
    expect((await history(product.id, { limit: '1' })).body.items[0]!.eventId).toBe(late);
  });

  it('answers 20 entries by default and accepts limits 1 and 100', async () => {
    const product = await create();
    await recordEvents(product.id, 101);

    const byDefault = await history(product.id);
    expect(byDefault.body.items).toHaveLength(20);
    expect(byDefault.body.nextCursor).not.toBeNull();
    expect((await history(product.id, { limit: '1' })).body.items).toHaveLength(1);
    const most = await history(product.id, { limit: '100' });
    expect(most.body.items).toHaveLength(100);
    const rest = await history(product.id, { limit: '100', cursor: most.body.nextCursor! });
    expect(rest.body).toMatchObject({ items: [expect.any(Object)], nextCursor: null });
  });

  it('answers an empty first page for a product without history', async () => {
    const product = await create();
    expect((await history(product.id)).body).toEqual({ items: [], nextCursor: null });
  });

  it('still answers the history of an archived product', async () => {
    const product = await create();
    const [eventId] = await recordEvents(product.id, 1);
    const archived = await invoke(h.archive, {
      method: 'DELETE',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      claims: ADMIN,
    });
    expect(archived.statusCode).toBe(204);

    const res = await history(product.id);

    expect(res.statusCode).toBe(200);
    expect(res.body.items.map((e) => e.eventId)).toEqual([eventId]);
  });

  it('ignores unknown query parameters, as the other lists do', async () => {
    const product = await create();
    await recordEvents(product.id, 2);
    const res = await history(product.id, { sort: 'asc', limit: '1' });
    expect(res.statusCode).toBe(200);
    expect(res.body.items).toHaveLength(1);
  });

  it('reads through the reader connection', async () => {
    const product = await create();
    await recordEvents(product.id, 2);
    const before = harness.readerQueries();

    await history(product.id);

    expect(harness.readerQueries() - before).toBe(2);
  });
});
