// The local front (scripts/dev/front.ts) against a throw-away upstream on a random port.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  isLoopbackHost,
  matchUpstream,
  type RequestGuard,
  type RunningFront,
  SERVERLESS_OFFLINE_AUTH_HEADERS,
  startFront,
  type Upstream,
} from '../../scripts/dev/front';
import { randomFreePort } from '../../scripts/lib/ports';

/** A GET with exactly the `Host` given (fetch always sets its own); undefined sends none. */
const withHost = (url: string, host: string | undefined): Promise<{ status: number; body: unknown }> =>
  new Promise((resolve, reject) => {
    const { port } = new URL(url);
    const req = request(
      { host: '127.0.0.1', port, path: '/products', setHost: false, headers: host ? { host } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });

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

describe('isLoopbackHost', () => {
  test('accepts localhost, 127.0.0.1 and [::1] with the port the request came in on, in any case', () => {
    for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LocalHost:3000']) {
      expect(isLoopbackHost(host, 3000), host).toBe(true);
    }
  });

  test.each([
    ['another name', 'evil.example:3000'],
    ['a name that resolves to loopback', '127.0.0.1.nip.io:3000'],
    ['a subdomain of localhost', 'evil.localhost:3000'],
    ['localhost with a trailing dot', 'localhost.:3000'],
    ['no port', 'localhost'],
    ['another port', 'localhost:3001'],
    ['another loopback address', '127.0.0.2:3000'],
    ['a user part', 'user@localhost:3000'],
    ['no Host at all', undefined],
  ])('refuses %s', (_case, host) => {
    expect(isLoopbackHost(host, 3000)).toBe(false);
  });
});

describe('startFront', () => {
  let upstream: Server;
  let front: RunningFront;
  let guarded: RunningFront;
  let deadFront: RunningFront;
  const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> =
    [];
  const logged: string[] = [];
  const log = (line: string) => logged.push(line);

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

    front = await startFront({ port: await randomFreePort(), upstreams: upstreams(upstreamPort), log });
    const denyWithoutToken: RequestGuard = async (req) =>
      req.headers.authorization
        ? undefined
        : { status: 401, code: 'UNAUTHORIZED', message: 'token required' };
    guarded = await startFront({
      port: await randomFreePort(),
      upstreams: upstreams(upstreamPort),
      guards: [denyWithoutToken],
      log,
    });
    deadFront = await startFront({
      port: await randomFreePort(),
      upstreams: upstreams(await randomFreePort()),
      log,
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

  test("drops serverless-offline's authorisation headers, in any case, and forwards the others", async () => {
    const override = JSON.stringify({ claims: { sub: 'x', 'cognito:groups': ['admin'] } });

    const response = await fetch(`${front.url}/products`, {
      headers: {
        'SLS-Offline-Authorizer-Override': override,
        'Cognito-Identity-Id': 'us-east-1:forged',
        'cognito-authentication-provider': 'forged',
        authorization: 'Bearer a.b.c',
        'x-api-key': 'key-1',
        'x-request-id': 'client-1',
      },
    });

    expect(response.status).toBe(200);
    const forwarded = seen.at(-1)!.headers;
    for (const name of SERVERLESS_OFFLINE_AUTH_HEADERS) expect(forwarded, name).not.toHaveProperty(name);
    expect(forwarded).toMatchObject({
      authorization: 'Bearer a.b.c',
      'x-api-key': 'key-1',
      'x-request-id': 'client-1',
    });
  });

  test('lists the authorisation headers of the serverless-offline version it was read from (14.8.2)', () => {
    // A new serverless-offline may read other headers into the authorizer or the identity: read its
    // src/events/http again, update SERVERLESS_OFFLINE_AUTH_HEADERS, then this version.
    const { version } = JSON.parse(
      readFileSync(new URL('../../node_modules/serverless-offline/package.json', import.meta.url), 'utf8'),
    ) as { version: string };

    expect(version).toBe('14.8.2');
    expect([...SERVERLESS_OFFLINE_AUTH_HEADERS].sort()).toEqual([
      'cognito-authentication-provider',
      'cognito-identity-id',
      'sls-offline-authorizer-override',
    ]);
  });

  test('answers a loopback Host and refuses any other with 400, before any service sees it', async () => {
    const port = new URL(front.url).port;
    const before = seen.length;

    const loopback = await Promise.all(
      [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].map((host) => withHost(front.url, host)),
    );
    const refused = await Promise.all(
      [`evil.example:${port}`, 'localhost', undefined].map((host) => withHost(front.url, host)),
    );

    expect(loopback.map((response) => response.status)).toEqual([200, 200, 200]);
    for (const response of refused) {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        error: { code: 'VALIDATION_FAILED', details: [{ path: 'headers.host' }] },
      });
    }
    expect(seen.length).toBe(before + 3);
  });

  test('answers 404 NOT_FOUND in the API error shape for a path no service owns, with its own logged request id', async () => {
    const response = await fetch(`${front.url}/nowhere?x=1`, {
      headers: { 'x-request-id': 'client-chosen' },
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: 'No route for GET /nowhere' },
    });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(logged.map((line) => JSON.parse(line))).toContainEqual({
      level: 'INFO',
      message: 'answered by the front',
      requestId,
      status: 404,
      code: 'NOT_FOUND',
      method: 'GET',
      path: '/nowhere',
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
