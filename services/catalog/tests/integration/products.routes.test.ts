import type { Product } from '@shop/domain';
import { invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, CUSTOMER, createHarness, newProductBody, resetCatalog } from '../support/harness';

const harness = createHarness();
const { handlers: h } = harness;

afterAll(() => harness.close());
beforeEach(() => resetCatalog(harness));

const create = async (overrides: Record<string, unknown> = {}) => {
  const res = await invoke<Product>(h.create, {
    method: 'POST',
    path: '/products',
    body: newProductBody(overrides),
    claims: ADMIN,
  });
  expect(res.statusCode).toBe(201);
  return res.body;
};

const get = (id: string, claims?: Record<string, unknown>) =>
  invoke<Product>(h.get, {
    method: 'GET',
    path: `/products/${id}`,
    pathParameters: { id },
    ...(claims ? { claims } : {}),
  });

const list = (query: Record<string, string> = {}, claims?: Record<string, unknown>) =>
  invoke<{ items: Product[]; nextCursor: string | null }>(h.list, {
    method: 'GET',
    path: '/products',
    query,
    ...(claims ? { claims } : {}),
  });

describe('POST /products', () => {
  it('creates a product with defaults and answers 201 with Location and ETag', async () => {
    const res = await invoke<Product>(h.create, {
      method: 'POST',
      path: '/products',
      body: {
        sku: 'MUG-BLUE',
        name: 'Blue mug',
        category: 'kitchen',
        price: { amount: 1299, currency: 'USD' },
      },
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/products/${res.body.id}`);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers['x-request-id']).toBeTruthy();
    expect(res.body).toMatchObject({
      sku: 'MUG-BLUE',
      description: '',
      stock: 0,
      lowStockThreshold: 5,
      status: 'active',
      images: [],
      version: 1,
      price: { amount: 1299, currency: 'USD' },
    });
  });

  it('answers 409 CONFLICT for a duplicate sku and keeps the first product', async () => {
    const first = await create({ sku: 'DUP-1' });
    const res = await invoke(h.create, {
      method: 'POST',
      path: '/products',
      body: newProductBody({ sku: 'DUP-1' }),
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CONFLICT' } });
    const rows = await harness.db.selectFrom('products').select('id').execute();
    expect(rows).toEqual([{ id: first.id }]);
  });

  it('writes a StockChanged event to the outbox when the product starts with stock', async () => {
    const product = await create({ stock: 7 });
    const events = await harness.db.selectFrom('outbox').selectAll().execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.partition_key).toBe(product.id);
    expect(events[0]!.payload).toMatchObject({
      type: 'StockChanged',
      previousStock: 0,
      newStock: 7,
      delta: 7,
      reason: 'restock',
    });
  });

  it('stores strings that look like SQL injection literally', async () => {
    const name = "Robert'); DROP TABLE products;--";
    const description = "' OR '1'='1' -- \\x00 %_ $$";
    const product = await create({ name, description });
    const read = await get(product.id);
    expect(read.body.name).toBe(name);
    expect(read.body.description).toBe(description);
    const found = await list({ q: 'DROP TABLE products;--' });
    expect(found.body.items.map((p) => p.id)).toEqual([product.id]);
    const noMatch = await list({ q: "' OR 1=1 --" });
    expect(noMatch.body.items).toEqual([]);
  });
});

describe('GET /products/{id}', () => {
  it('returns the product with its version as ETag', async () => {
    const product = await create();
    const res = await get(product.id);
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toEqual(product);
  });

  it('answers 404 for an unknown product', async () => {
    const res = await get('6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50');
    expect(res.statusCode).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});

describe('GET /products', () => {
  it('lists active products newest first, filtered by category and by case-insensitive text', async () => {
    const older = await create({ category: 'kitchen', name: 'Green Kettle' });
    const newer = await create({ category: 'kitchen', name: 'Teapot', description: 'pairs with a KETTLE' });
    await create({ category: 'garden', name: 'Hose' });

    expect((await list({ category: 'kitchen' })).body.items.map((p) => p.id)).toEqual([newer.id, older.id]);
    expect((await list({ q: 'kettle' })).body.items.map((p) => p.id)).toEqual([newer.id, older.id]);
    expect((await list({ q: 'kettle', category: 'garden' })).body.items).toEqual([]);
    expect((await list({ q: '%' })).body.items).toEqual([]);
  });

  it('pages with an opaque cursor until nextCursor is null', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) made.push((await create()).id);
    const first = await list({ limit: '2' });
    const second = await list({ limit: '2', cursor: first.body.nextCursor! });
    const third = await list({ limit: '2', cursor: second.body.nextCursor! });
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((p) => p.id)).toEqual(
      made.reverse(),
    );
    expect(third.body.nextCursor).toBeNull();
  });

  it('defaults to 20 items per page', async () => {
    for (let i = 0; i < 21; i += 1) await create();
    const res = await list();
    expect(res.body.items).toHaveLength(20);
    expect(res.body.nextCursor).not.toBeNull();
  });
});

describe('PATCH /products/{id}', () => {
  const patch = (id: string, body: unknown, headers: Record<string, string> = {}) =>
    invoke<Product>(h.update, {
      method: 'PATCH',
      path: `/products/${id}`,
      pathParameters: { id },
      body,
      headers,
      claims: ADMIN,
    });

  it('changes the given fields, bumps the version and keeps the rest', async () => {
    const product = await create({ name: 'Old name' });
    const res = await patch(
      product.id,
      { name: 'New name', price: { amount: 2500, currency: 'USD' } },
      { 'if-match': '"1"' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body).toMatchObject({
      name: 'New name',
      price: { amount: 2500 },
      sku: product.sku,
      version: 2,
    });
    expect((await get(product.id)).body.name).toBe('New name');
  });

  it('answers 412 when If-Match names another version, and changes nothing', async () => {
    const product = await create({ name: 'Kept' });
    const res = await patch(product.id, { name: 'Lost' }, { 'if-match': '"7"' });
    expect(res.statusCode).toBe(412);
    expect(res.body).toMatchObject({ error: { code: 'PRECONDITION_FAILED' } });
    expect((await get(product.id)).body).toMatchObject({ name: 'Kept', version: 1 });
  });

  it('answers 404 for an unknown product', async () => {
    const res = await patch('6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50', { name: 'x' });
    expect(res.statusCode).toBe(404);
  });
});

describe('DELETE /products/{id}', () => {
  const archive = (id: string) =>
    invoke(h.archive, { method: 'DELETE', path: `/products/${id}`, pathParameters: { id }, claims: ADMIN });

  it('archives: the product leaves public reads but admins still see it', async () => {
    const product = await create();
    expect((await archive(product.id)).statusCode).toBe(204);
    expect((await get(product.id)).statusCode).toBe(404);
    expect((await get(product.id, CUSTOMER)).statusCode).toBe(404);
    expect((await get(product.id, ADMIN)).body).toMatchObject({ status: 'archived', version: 2 });
    expect((await list()).body.items).toEqual([]);
    expect((await list({ status: 'archived' }, ADMIN)).body.items.map((p) => p.id)).toEqual([product.id]);
    expect((await archive(product.id)).statusCode).toBe(204);
  });

  it('lets only admins list archived products', async () => {
    expect((await list({ status: 'archived' })).statusCode).toBe(403);
    expect((await list({ status: 'archived' }, CUSTOMER)).statusCode).toBe(403);
  });

  it('answers 404 for an unknown product', async () => {
    expect((await archive('6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50')).statusCode).toBe(404);
  });
});

describe('POST /products/{id}/stock-adjustments', () => {
  const adjust = (id: string, body: unknown) =>
    invoke<{ productId: string; stock: number }>(h.adjustStock, {
      method: 'POST',
      path: `/products/${id}/stock-adjustments`,
      pathParameters: { id },
      body,
      claims: ADMIN,
      headers: { 'x-correlation-id': 'corr-123' },
    });

  it('changes the stock and writes the audit row and the StockChanged event in one transaction', async () => {
    const product = await create({ stock: 3, lowStockThreshold: 5 });
    await harness.db.deleteFrom('outbox').execute();
    const res = await adjust(product.id, { delta: 10, reason: 'restock', note: 'delivery 42' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({ productId: product.id, stock: 13 });

    const [event] = await harness.db.selectFrom('outbox').selectAll().execute();
    expect(event!.payload).toMatchObject({
      schemaVersion: 1,
      type: 'StockChanged',
      productId: product.id,
      sku: product.sku,
      previousStock: 3,
      newStock: 13,
      delta: 10,
      lowStockThreshold: 5,
      reason: 'restock',
      correlationId: 'corr-123',
    });
    expect(event!.id).toBe((event!.payload as { id: string }).id);
    const [audit] = await harness.db.selectFrom('stock_adjustments').selectAll().execute();
    expect(audit).toMatchObject({
      delta: 10,
      reason: 'restock',
      note: 'delivery 42',
      actor: ADMIN.sub,
      new_stock: 13,
    });
    expect((await get(product.id)).body).toMatchObject({ stock: 13, version: 2 });
  });

  it('answers 409 INSUFFICIENT_STOCK with what is available, and changes nothing', async () => {
    const product = await create({ stock: 2 });
    const before = await harness.db.selectFrom('outbox').select('id').execute();
    const res = await adjust(product.id, { delta: -3, reason: 'damage' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toMatchObject({
      error: { code: 'INSUFFICIENT_STOCK', details: [{ productId: product.id, requested: 3, available: 2 }] },
    });
    expect(await harness.db.selectFrom('outbox').select('id').execute()).toEqual(before);
    expect(await harness.db.selectFrom('stock_adjustments').select('id').execute()).toEqual([]);
    expect((await get(product.id)).body.stock).toBe(2);
  });

  it('never lets concurrent removals take the stock below zero', async () => {
    const product = await create({ stock: 5 });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => adjust(product.id, { delta: -1, reason: 'damage' })),
    );
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(5);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(7);
    expect((await get(product.id, ADMIN)).body.stock).toBe(0);
    const deltas = await harness.db
      .selectFrom('outbox')
      .select('payload')
      .where('partition_key', '=', product.id)
      .execute();
    expect(deltas.reduce((sum, e) => sum + (e.payload as { delta: number }).delta, 0)).toBe(0);
  });

  it('answers 404 for an unknown product', async () => {
    expect(
      (await adjust('6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50', { delta: 1, reason: 'restock' })).statusCode,
    ).toBe(404);
  });
});

describe('POST /products/{id}/image-uploads', () => {
  it('returns a presigned PUT that uploads to the assets bucket, and PATCH attaches the uploaded key', async () => {
    const product = await create();
    const res = await invoke<{
      uploadUrl: string;
      method: string;
      headers: Record<string, string>;
      key: string;
      expiresAt: string;
    }>(h.imageUpload, {
      method: 'POST',
      path: `/products/${product.id}/image-uploads`,
      pathParameters: { id: product.id },
      body: { contentType: 'image/png', contentLength: 4 },
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(201);
    expect(res.body.method).toBe('PUT');
    expect(res.body.key).toMatch(new RegExp(`^products/${product.id}/[0-9a-f-]{36}\\.png$`));
    expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());

    const upload = await fetch(res.body.uploadUrl, {
      method: 'PUT',
      headers: res.body.headers,
      body: new Uint8Array([1, 2, 3, 4]),
    });
    expect(upload.status).toBe(200);

    const attached = await invoke<Product>(h.update, {
      method: 'PATCH',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      body: { images: [res.body.key] },
      claims: ADMIN,
    });
    expect(attached.statusCode).toBe(200);
    expect(attached.body.images).toEqual([{ key: res.body.key, url: expect.stringContaining(res.body.key) }]);
    const stored = await fetch(attached.body.images[0]!.url);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  it('refuses to attach a key that was never uploaded, and changes nothing', async () => {
    const product = await create();
    const res = await invoke(h.update, {
      method: 'PATCH',
      path: `/products/${product.id}`,
      pathParameters: { id: product.id },
      body: { images: [`products/${product.id}/never-uploaded.png`] },
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'images.0' }] } });
    expect((await get(product.id)).body).toMatchObject({ images: [], version: 1 });
  });
});
