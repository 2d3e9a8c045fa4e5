// The local front (scripts/dev/front.ts) against a throw-away upstream on a random port.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  matchUpstream,
  type RequestGuard,
  type RunningFront,
  startFront,
  type Upstream,
} from '../../scripts/dev/front';
import { randomFreePort } from '../../scripts/lib/ports';

const upstreams = (port: number): Upstream[] => [
  { name: 'catalog', prefixes: ['/products', '/health'], port },
  { name: 'orders', prefixes: ['/orders'], port },
];

describe('matchUpstream', () => {
  test('matches a prefix, its sub-paths and its query strings but not a longer word', () => {
    const routes = upstreams(1);

    expect(matchUpstream('/products', routes)?.name).toBe('catalog');
    expect(matchUpstream('/products/42/stock-adjustments', routes)?.name).toBe('catalog');
    expect(matchUpstream('/products?limit=5', routes)?.name).toBe('catalog');
    expect(matchUpstream('/orders/1', routes)?.name).toBe('orders');
    expect(matchUpstream('/productsx', routes)).toBeUndefined();
    expect(matchUpstream('/', routes)).toBeUndefined();
  });

  test('prefers the longest matching prefix', () => {
    const routes: Upstream[] = [
      { name: 'catalog', prefixes: ['/products'], port: 1 },
      { name: 'notifier', prefixes: ['/products/subscriptions'], port: 2 },
    ];

    expect(matchUpstream('/products/subscriptions/1', routes)?.name).toBe('notifier');
    expect(matchUpstream('/products/1', routes)?.name).toBe('catalog');
  });
});

describe('startFront', () => {
  let upstream: Server;
  let front: RunningFront;
  let guarded: RunningFront;
  let deadFront: RunningFront;
  const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> =
    [];

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(req.method === 'POST' ? 201 : 200, {
          'content-type': 'application/json',
          'x-request-id': 'up-1',
        });
        res.end(JSON.stringify({ echoed: Buffer.concat(chunks).length }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const upstreamPort = (upstream.address() as AddressInfo).port;

    front = await startFront({ port: await randomFreePort(), upstreams: upstreams(upstreamPort) });
    const denyWithoutToken: RequestGuard = async (req) =>
      req.headers.authorization
        ? undefined
        : { status: 401, code: 'UNAUTHORIZED', message: 'token required' };
    guarded = await startFront({
      port: await randomFreePort(),
      upstreams: upstreams(upstreamPort),
      guards: [denyWithoutToken],
    });
    deadFront = await startFront({
      port: await randomFreePort(),
      upstreams: upstreams(await randomFreePort()),
    });
  });

  afterAll(async () => {
    await Promise.all([front.close(), guarded.close(), deadFront.close()]);
    await new Promise((resolve) => upstream.close(resolve));
  });

  test('proxies method, path, query, headers and body, and returns status and headers unchanged', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(200_000) });

    const response = await fetch(`${front.url}/products?category=tools`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'abc' },
      body,
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('up-1');
    expect(await response.json()).toEqual({ echoed: body.length });
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', url: '/products?category=tools', body });
    expect(request.headers['idempotency-key']).toBe('abc');
    expect(request.headers['x-forwarded-proto']).toBe('http');
  });

  test('answers 404 NOT_FOUND in the API error shape for a path no service owns', async () => {
    const response = await fetch(`${front.url}/nowhere`);

    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for GET /nowhere' },
    });
  });

  test('answers 503 SERVICE_UNAVAILABLE when the service is not running', async () => {
    const response = await fetch(`${deadFront.url}/products`);

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
  });

  test('lets a guard answer before the request reaches the service', async () => {
    const before = seen.length;

    const denied = await fetch(`${guarded.url}/products`);
    const allowed = await fetch(`${guarded.url}/products`, { headers: { authorization: 'Bearer t' } });

    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'token required' } });
    expect(allowed.status).toBe(200);
    expect(seen.length).toBe(before + 1);
  });
});
