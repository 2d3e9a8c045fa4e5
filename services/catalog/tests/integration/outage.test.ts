// A database outage is the shop's problem, not the caller's: 503 with Retry-After, never a 500.
import { randomUUID } from 'node:crypto';
import { disabledProductCache } from '@shop/catalog-cache';
import { createDb } from '@shop/db';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createCatalogService } from '../../src/catalog.service';
import { ADMIN, handlersFor } from '../support/harness';

// Port 1 on loopback: nothing listens there, so every connection is refused at once.
const unreachable = createDb({ url: 'postgres://shop@127.0.0.1:1/shop' }, { max: 1 });
const service = createCatalogService({
  writer: unreachable,
  reader: unreachable,
  cache: disabledProductCache,
  images: () => {
    throw new Error('not used');
  },
  assetsPublicUrl: 'http://assets.invalid',
  newId: randomUUID,
  now: () => new Date(),
});
const h = handlersFor(service);
afterAll(() => unreachable.destroy());

describe('when the database is unreachable', () => {
  it('answers reads with 503 SERVICE_UNAVAILABLE and Retry-After', async () => {
    const res = await invoke(h.list, { method: 'GET', path: '/products' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(res.rawBody).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('answers writes with 503 too', async () => {
    const res = await invoke(h.create, {
      method: 'POST',
      path: '/products',
      body: { sku: 'X-1', name: 'x', category: 'c', price: { amount: 1, currency: 'USD' } },
      claims: ADMIN,
    });
    expect(res.statusCode).toBe(503);
  });

  it('answers the stock history and subscription routes with 503 too', async () => {
    const id = '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50';
    const at = (method: string, path: string, claims: Record<string, unknown>) => ({
      method,
      path: `/products/${id}/${path}`,
      pathParameters: { id },
      claims,
    });
    const customer = claimsOf('00000000-0000-4000-8000-00000000c001', ['customer']);
    const answers = await Promise.all([
      invoke(h.stockHistory, at('GET', 'stock-history', ADMIN)),
      invoke(h.subscribe, at('POST', 'stock-subscriptions', customer)),
      invoke(h.unsubscribe, at('DELETE', 'stock-subscriptions', customer)),
    ]);
    for (const res of answers) {
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    }
  });
});
