// Idempotency-Key on the catalog's creating POSTs against dynalite (DynamoDB API) and real
// PostgreSQL: a retried request is applied once and the retry replays the first response.
import { randomUUID } from 'node:crypto';
import { invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { useIdempotencyTable } from '../../../../scripts/test/dynalite.fixture';
import { ADMIN, CUSTOMER, createHarness, newProductBody, resetCatalog } from '../support/harness';

const TABLE = 'shop-catalog-idempotency-test';
const harness = createHarness();
useIdempotencyTable(TABLE);
afterAll(() => harness.close());
beforeEach(() => resetCatalog(harness));

type Answer = { id?: string; productId?: string; stock?: number; error?: { code: string } };

const post = (
  handler: (typeof harness.handlers)['create'],
  path: string,
  body: unknown,
  key: string,
  id?: string,
) =>
  invoke<Answer>(handler, {
    method: 'POST',
    path,
    ...(id ? { pathParameters: { id } } : {}),
    body,
    claims: ADMIN,
    headers: { 'idempotency-key': key },
  });

const createProduct = (body: unknown, key: string) => post(harness.handlers.create, '/products', body, key);

const productCount = async () =>
  Number(
    (
      await harness.db
        .selectFrom('products')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /products with Idempotency-Key', () => {
  it('creates one product for a retried request; the retry replays the same response', async () => {
    const key = randomUUID();
    const body = newProductBody();

    const first = await createProduct(body, key);
    const retry = await createProduct(body, key);

    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.location).toBe(first.headers.location);
    expect(await productCount()).toBe(1);
  });

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body, and creates nothing', async () => {
    const key = randomUUID();
    expect((await createProduct(newProductBody(), key)).statusCode).toBe(201);

    const reused = await createProduct(newProductBody(), key);

    expect(reused.statusCode).toBe(422);
    expect(reused.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await productCount()).toBe(1);
  });

  it('without a key, every request creates (the header is optional)', async () => {
    const res = await invoke<Answer>(harness.handlers.create, {
      method: 'POST',
      path: '/products',
      body: newProductBody(),
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('POST /products/{id}/stock-adjustments with Idempotency-Key', () => {
  it('applies a retried adjustment once; the retries replay the first answer', async () => {
    const created = await createProduct(newProductBody({ stock: 10 }), randomUUID());
    const id = created.body.id!;
    const key = randomUUID();
    const adjust = () =>
      post(
        harness.handlers.adjustStock,
        `/products/${id}/stock-adjustments`,
        { delta: -3, reason: 'damage', note: 'dropped' },
        key,
        id,
      );

    const first = await adjust();
    const retries = await Promise.all([adjust(), adjust(), adjust()]);

    expect(first.statusCode).toBe(200);
    expect(first.body).toEqual({ productId: id, stock: 7 });
    for (const retry of retries) {
      expect(retry.statusCode).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
    }
    const product = await harness.db
      .selectFrom('products')
      .select('stock')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(product.stock).toBe(7);
    const adjustments = await harness.db
      .selectFrom('stock_adjustments')
      .selectAll()
      .where('product_id', '=', id)
      .execute();
    expect(adjustments).toHaveLength(1);
  });
});

describe('POST /products/{id}/image-uploads with Idempotency-Key', () => {
  it('replays the first presigned upload for a retry', async () => {
    const created = await createProduct(newProductBody(), randomUUID());
    const id = created.body.id!;
    const key = randomUUID();
    const body = { contentType: 'image/png', contentLength: 1_024 };

    const first = await post(harness.handlers.imageUpload, `/products/${id}/image-uploads`, body, key, id);
    const retry = await post(harness.handlers.imageUpload, `/products/${id}/image-uploads`, body, key, id);

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
  });
});

describe('POST /products/{id}/stock-subscriptions with Idempotency-Key', () => {
  it('replays the first 201 for a retry with the same key; a request without one answers 200', async () => {
    const created = await createProduct(newProductBody({ stock: 0 }), randomUUID());
    const id = created.body.id!;
    const key = randomUUID();
    const subscribe = (headers: Record<string, string>) =>
      invoke<Answer & { email?: string }>(harness.handlers.subscribe, {
        method: 'POST',
        path: `/products/${id}/stock-subscriptions`,
        pathParameters: { id },
        claims: CUSTOMER,
        headers,
      });

    const first = await subscribe({ 'idempotency-key': key });
    const retry = await subscribe({ 'idempotency-key': key });
    const plain = await subscribe({});

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toEqual(first.body);
    const rows = await harness.db.selectFrom('stock_subscriptions').select('id').execute();
    expect(rows).toHaveLength(1);
  });
});
