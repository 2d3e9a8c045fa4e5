// The client is typed by the document and calls the API as the contract says: it sends the token,
// the JSON body and the query, and answers `data` on success and the contract error on failure.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../contracts/src/openapi';
import { PATHS_FILE, renderPaths } from '../../src/generate';
import { createShopClient } from '../../src/index';

/** A fetch that answers `reply()` and remembers the requests. */
const fakeFetch = (reply: () => Response) => {
  const seen: Request[] = [];
  const fetch = async (input: Request) => {
    seen.push(input);
    return reply();
  };
  return { seen, fetch: fetch as unknown as typeof globalThis.fetch };
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the typed client', () => {
  it('is generated from the current document (run `pnpm openapi` after changing the schemas)', async () => {
    expect(readFileSync(PATHS_FILE, 'utf8')).toBe(await renderPaths(buildOpenApiDocument()));
  });

  it('sends the bearer token, the query and the JSON body', async () => {
    const { seen, fetch } = fakeFetch(() => json(201, { id: 'x' }));
    const api = createShopClient({ baseUrl: 'http://api.test', token: 'id-token', fetch });

    await api.POST('/orders', {
      body: {
        items: [{ productId: '6f1c2a52-8d3e-4b8a-9f0e-2d4c6b8a1e37', quantity: 1 }],
        shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'US' },
      },
      headers: { 'Idempotency-Key': 'k-1' },
    });
    await api.GET('/products', { params: { query: { q: 'mug', limit: 5 } } });

    expect(seen[0]!.headers.get('authorization')).toBe('Bearer id-token');
    expect(seen[0]!.headers.get('idempotency-key')).toBe('k-1');
    expect(await seen[0]!.json()).toMatchObject({ items: [{ quantity: 1 }] });
    expect(new URL(seen[1]!.url).search).toBe('?q=mug&limit=5');
  });

  it('answers the contract error body as `error`, with the status on the response', async () => {
    const body = { error: { code: 'INSUFFICIENT_STOCK', message: 'Not enough stock', details: [] } };
    const { fetch } = fakeFetch(() => json(409, body));
    const api = createShopClient({ baseUrl: 'http://api.test', fetch });

    const { data, error, response } = await api.POST('/orders', {
      body: {
        items: [],
        shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: 'D', country: 'US' },
      },
    });

    expect(data).toBeUndefined();
    expect(response.status).toBe(409);
    expect(error?.error.code).toBe('INSUFFICIENT_STOCK');
  });
});
