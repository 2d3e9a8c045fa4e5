// Classes of bad input that used to reach PostgreSQL and come back as 500 (issue 10): control
// characters and unpaired surrogates in text, cursors past 64 bits, stock arithmetic past int4.
// Each is a 400 through the real handler, and nothing changes.
import { PRODUCT_LIMITS, type Product } from '@shop/domain';
import { type ApiRequest, invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createHarness, newProductBody, resetCatalog, snapshot } from '../support/harness';

const harness = createHarness();
const h = harness.handlers;
let product: Product;

beforeAll(async () => {
  await resetCatalog(harness);
  product = (
    await invoke<Product>(h.create, {
      method: 'POST',
      path: '/products',
      body: newProductBody(),
      claims: ADMIN,
    })
  ).body;
});
afterAll(() => harness.close());

const expect400Unchanged = async (
  handler: Parameters<typeof invoke>[0],
  request: ApiRequest,
  path: string,
) => {
  const before = await snapshot(harness.db);
  const res = await invoke<{ error: { code: string; details: { path: string }[] } }>(handler, request);
  expect(res.statusCode).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_FAILED');
  expect(res.body.error.details.map((d) => d.path)).toContain(path);
  expect(await snapshot(harness.db)).toEqual(before);
};

describe('text never holds control characters or unpaired surrogates', () => {
  it.each([
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['a newline in a one-line field', 'a\nb'],
    ['an unpaired high surrogate', '\ud800'],
    ['an unpaired low surrogate', '\udc00'],
  ])('refuses %s in a product name (POST and PATCH)', async (_, bad) => {
    await expect400Unchanged(
      h.create,
      { method: 'POST', path: '/products', body: newProductBody({ name: `Mug ${bad} red` }), claims: ADMIN },
      'name',
    );
    await expect400Unchanged(
      h.update,
      {
        method: 'PATCH',
        path: `/products/${product.id}`,
        pathParameters: { id: product.id },
        body: { category: `kitchen${bad}` },
        claims: ADMIN,
      },
      'category',
    );
  });

  it('refuses control characters in the search and category filters of GET /products', async () => {
    for (const query of [{ q: 'mug\u0000' }, { category: 'kitchen\u0001' }, { q: '\ud800' }] as Record<
      string,
      string
    >[]) {
      const res = await invoke(h.list, { method: 'GET', path: '/products', query });
      expect(res.statusCode).toBe(400);
    }
  });

  it('keeps tab and newline in a multi-line description, refuses other control characters there', async () => {
    const res = await invoke<Product>(h.create, {
      method: 'POST',
      path: '/products',
      body: newProductBody({ description: 'Line one\n\tLine two' }),
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(201);
    expect(res.body.description).toBe('Line one\n\tLine two');
    await expect400Unchanged(
      h.create,
      {
        method: 'POST',
        path: '/products',
        body: newProductBody({ description: 'bad\u0000' }),
        claims: ADMIN,
      },
      'description',
    );
  });

  it('refuses a control character in a stock adjustment note', async () => {
    await expect400Unchanged(
      h.adjustStock,
      {
        method: 'POST',
        path: `/products/${product.id}/stock-adjustments`,
        pathParameters: { id: product.id },
        body: { delta: 1, reason: 'restock', note: 'from\u0000supplier' },
        claims: ADMIN,
      },
      'note',
    );
  });

  it('accepts 5,000 characters of a multi-byte script in a description (its bytes are ~15 KB)', async () => {
    const res = await invoke<Product>(h.create, {
      method: 'POST',
      path: '/products',
      body: newProductBody({ description: '漢'.repeat(PRODUCT_LIMITS.descriptionMaxLength) }),
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('numbers past what the database holds', () => {
  it('refuses a list cursor past the largest bigint', async () => {
    for (const seq of ['9223372036854775808', '9999999999999999999']) {
      const cursor = Buffer.from(`p1.${seq}`).toString('base64url');
      const res = await invoke(h.list, { method: 'GET', path: '/products', query: { cursor } });
      expect(res.statusCode).toBe(400);
      const history = await invoke(h.stockHistory, {
        method: 'GET',
        path: `/products/${product.id}/stock-history`,
        pathParameters: { id: product.id },
        query: { cursor: Buffer.from(`h1.${seq}`).toString('base64url') },
        claims: ADMIN,
      });
      expect(history.statusCode).toBe(400);
    }
  });

  it('refuses a restock that would take stock past the maximum, and changes nothing', async () => {
    const full = (
      await invoke<Product>(h.create, {
        method: 'POST',
        path: '/products',
        body: newProductBody({ stock: PRODUCT_LIMITS.maxStock - 5 }),
        claims: ADMIN,
      })
    ).body;
    await expect400Unchanged(
      h.adjustStock,
      {
        method: 'POST',
        path: `/products/${full.id}/stock-adjustments`,
        pathParameters: { id: full.id },
        body: { delta: 1_000_000, reason: 'restock' },
        claims: ADMIN,
      },
      'delta',
    );
    const toTheTop = await invoke<{ stock: number }>(h.adjustStock, {
      method: 'POST',
      path: `/products/${full.id}/stock-adjustments`,
      pathParameters: { id: full.id },
      body: { delta: 5, reason: 'restock' },
      claims: ADMIN,
    });
    expect(toTheTop.body.stock).toBe(PRODUCT_LIMITS.maxStock);
  });

  it('refuses a product created with stock past the maximum', async () => {
    await expect400Unchanged(
      h.create,
      {
        method: 'POST',
        path: '/products',
        body: newProductBody({ stock: PRODUCT_LIMITS.maxStock + 1 }),
        claims: ADMIN,
      },
      'stock',
    );
  });
});
