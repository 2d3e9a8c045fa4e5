// Lambda's concurrency per function at the local front (scripts/dev/function-concurrency.ts): the
// limiter alone, the keys it is given, and the front holding a slow upstream to the limit.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningFront, startFront } from '../../scripts/dev/front';
import { concurrencyLimit, functionKeyOf, invokedFunctionOf } from '../../scripts/dev/function-concurrency';
import { randomFreePort } from '../../scripts/lib/ports';

describe('concurrencyLimit', () => {
  test('grants `reserved` slots per function at once and queues the rest in arrival order', async () => {
    const limit = concurrencyLimit({ reserved: 2, maxWaitMs: 10_000 });
    const first = await limit.acquire('orders:placeOrder');
    const second = await limit.acquire('orders:placeOrder');
    const granted: string[] = [];
    const third = limit.acquire('orders:placeOrder').then((release) => {
      granted.push('third');
      return release;
    });
    const fourth = limit.acquire('orders:placeOrder').then((release) => {
      granted.push('fourth');
      return release;
    });
    // Another function has slots of its own.
    const other = await limit.acquire('catalog:getProduct');

    await sleep(10);
    expect(granted).toEqual([]);
    expect(limit.snapshot()['orders:placeOrder']).toEqual({ inFlight: 2, waiting: 2 });

    first?.();
    first?.(); // a second call gives nothing back twice
    expect((await third) && granted).toEqual(['third']);
    second?.();
    await fourth;
    expect(granted).toEqual(['third', 'fourth']);
    expect(limit.snapshot()['orders:placeOrder']).toEqual({ inFlight: 2, waiting: 0 });
    expect(other).toBeTypeOf('function');
  });

  test('gives up on a request that waited longer than maxWaitMs, and frees its place in the queue', async () => {
    const limit = concurrencyLimit({ reserved: 1, maxWaitMs: 20 });
    const held = await limit.acquire('f');

    expect(await limit.acquire('f')).toBeUndefined();
    expect(limit.snapshot().f).toEqual({ inFlight: 1, waiting: 0 });
    held?.();
    expect(limit.snapshot().f).toEqual({ inFlight: 0, waiting: 0 });
  });

  test('refuses a reserved concurrency that is not a positive integer', () => {
    expect(() => concurrencyLimit({ reserved: 0, maxWaitMs: 1 })).toThrow(/positive integer/);
    expect(() => concurrencyLimit({ reserved: 1.5, maxWaitMs: 1 })).toThrow(/positive integer/);
  });
});

describe('function keys', () => {
  test('names the function serving an API route by method and path template', () => {
    expect(functionKeyOf({ method: 'POST', url: '/orders' }, 'orders')).toBe('orders:placeOrder');
    expect(functionKeyOf({ method: 'GET', url: '/orders?limit=5' }, 'orders')).toBe('orders:listOrders');
    expect(functionKeyOf({ method: 'GET', url: '/products/0b3c/stock-history' }, 'catalog')).toBe(
      'catalog:getStockHistory',
    );
    expect(functionKeyOf({ method: 'GET', url: '/products/0b3c' }, 'catalog')).toBe('catalog:getProduct');
  });

  test('puts every path no route matches under one key per service', () => {
    expect(functionKeyOf({ method: 'GET', url: '/orders/a/b/c' }, 'orders')).toBe('orders:(no route)');
    expect(functionKeyOf({ method: 'PUT', url: '/orders' }, 'orders')).toBe('orders:(no route)');
  });

  test('names the function of a Lambda Invoke request', () => {
    expect(
      invokedFunctionOf(
        { url: '/2015-03-31/functions/shop-auth-hooks-local-preSignUp/invocations' },
        'auth-hooks',
      ),
    ).toBe('auth-hooks:shop-auth-hooks-local-preSignUp');
    expect(invokedFunctionOf({ url: '/' }, 'auth-hooks')).toBe('auth-hooks:(no function)');
  });
});

describe('the front with a concurrency limit', () => {
  let upstream: Server;
  let front: RunningFront;
  let inFlight = 0;
  let mostInFlight = 0;

  beforeAll(async () => {
    // A slow function: 30 ms per request, counting how many it serves at once.
    upstream = createServer((_req, res) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }, 30);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = (upstream.address() as AddressInfo).port;
    front = await startFront({
      port: await randomFreePort(),
      upstreams: [{ name: 'catalog', prefixes: ['/products'], port }],
      concurrency: concurrencyLimit({ reserved: 3, maxWaitMs: 10_000 }),
      log: () => undefined,
    });
  });

  afterAll(async () => {
    await front?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  test('answers every request of a burst while the function never sees more than the limit at once', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${front.url}/products/x`).then((res) => res.status)),
    );

    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    expect(mostInFlight).toBe(3);
  });

  test('keeps the slot of a client that went away until its function has answered', async () => {
    mostInFlight = 0;
    // Three callers give up after 5 ms; the function runs 30 ms for each of them regardless.
    const abandoned = Array.from({ length: 3 }, () =>
      fetch(`${front.url}/products/x`, { signal: AbortSignal.timeout(5) }).catch(() => 'aborted'),
    );
    expect(await Promise.all(abandoned)).toEqual(['aborted', 'aborted', 'aborted']);
    const answered = await fetch(`${front.url}/products/x`);

    expect(answered.status).toBe(200);
    expect(mostInFlight).toBe(3);
  });
});
