// A database outage is the shop's problem, not the caller's: 503 with Retry-After, never a 500.
import { randomUUID } from 'node:crypto';
import { disabledProductCache } from '@shop/catalog-cache';
import { createDb } from '@shop/db';
import { invoke } from '@shop/lambda-kit/testing';
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
});
