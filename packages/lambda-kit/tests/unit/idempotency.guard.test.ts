import { InsufficientStockError } from '@shop/domain';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createHttpHandler, type HttpHandler } from '../../src/http-handler';
import { created, type HttpResponse, ok } from '../../src/http-response';
import { idempotent } from '../../src/idempotency.guard';
import { logger } from '../../src/observability';
import { type ApiRequest, apiGatewayEvent, claimsOf, invoke, lambdaContext } from '../../src/testing';
import { MemoryPersistenceLayer } from './support/memory.persistence';

vi.hoisted(() => {
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const ALICE = claimsOf('alice-sub', ['customer']);
const BOB = claimsOf('bob-sub', ['customer']);
const basket = z.strictObject({ sku: z.string(), quantity: z.number().int().positive() });
type Basket = z.infer<typeof basket>;

const placeOrder = (
  headers: Record<string, string>,
  body: unknown = { sku: 'A-1', quantity: 2 },
): ApiRequest => ({
  method: 'POST',
  path: '/orders',
  headers,
  body,
  claims: ALICE,
});

/** A POST /orders route whose handler counts its runs and answers 201 with a new order each time. */
const orderRoute = (
  store: MemoryPersistenceLayer,
  work: (body: Basket) => Promise<HttpResponse> = defaultWork,
) => {
  const runs = vi.fn(work);
  const handler = createHttpHandler(
    { access: 'customer', body: basket, idempotency: idempotent({ store }) },
    async ({ body }) => runs(body),
  );
  return { handler, runs };
};

let orderNumber = 0;
const defaultWork = async (body: Basket): Promise<HttpResponse> => {
  orderNumber += 1;
  const id = `order-${orderNumber}`;
  return created({ id, ...body }, `/orders/${id}`, { ETag: `"${orderNumber}"` });
};

/** A promise the test settles by hand, to keep a request "in progress". */
const deferred = <T>() => {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
};

const invokeWith = (handler: HttpHandler, request: ApiRequest, context: Context) =>
  handler(apiGatewayEvent(request), context) as Promise<APIGatewayProxyResult>;

describe('idempotent()', () => {
  let store: MemoryPersistenceLayer;
  let errorLog: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    store = new MemoryPersistenceLayer();
    errorLog = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  describe('without an Idempotency-Key header', () => {
    it('runs the handler every time and stores nothing', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store);

      // Act
      const first = await invoke(handler, placeOrder({}));
      const second = await invoke(handler, placeOrder({}));

      // Assess
      expect(runs).toHaveBeenCalledTimes(2);
      expect(first.body).not.toEqual(second.body);
      expect(second.headers).not.toHaveProperty('idempotent-replayed');
      expect(store.calls).toEqual([]);
    });
  });

  describe('the same key, body and caller again', () => {
    it('replays the first response with Idempotent-Replayed and a new request id, running the handler once', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store);

      // Act
      const first = await invoke(handler, placeOrder({ 'Idempotency-Key': 'k-1' }));
      const replay = await invoke(handler, placeOrder({ 'Idempotency-Key': 'k-1' }));

      // Assess
      expect(runs).toHaveBeenCalledTimes(1);
      expect(first.statusCode).toBe(201);
      expect(first.headers).not.toHaveProperty('idempotent-replayed');
      expect(replay.statusCode).toBe(201);
      expect(replay.rawBody).toBe(first.rawBody);
      expect(replay.headers).toMatchObject({
        location: first.headers.location,
        etag: first.headers.etag,
        'content-type': first.headers['content-type'],
        'idempotent-replayed': 'true',
      });
      expect(replay.headers['x-request-id']).toBeDefined();
      expect(replay.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    });

    it('treats the header name case-insensitively', async () => {
      const { handler, runs } = orderRoute(store);

      await invoke(handler, placeOrder({ 'idempotency-key': 'k-case' }));
      const replay = await invoke(handler, placeOrder({ 'IDEMPOTENCY-KEY': 'k-case' }));

      expect(runs).toHaveBeenCalledTimes(1);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    });

    it('compares bodies as JSON values, not as text', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store);
      const headers = { 'Idempotency-Key': 'k-json' };

      // Act
      await invoke(handler, placeOrder(headers, '{"sku":"A-1","quantity":2}'));
      const replay = await invoke(handler, placeOrder(headers, '{ "quantity": 2,\n  "sku": "A-1" }'));

      // Assess
      expect(runs).toHaveBeenCalledTimes(1);
      expect(replay.headers['idempotent-replayed']).toBe('true');
    });

    it('stores the record for 24 hours, then runs the handler again', async () => {
      // Prepare
      vi.useFakeTimers({ toFake: ['Date'] });
      const { handler, runs } = orderRoute(store);
      const headers = { 'Idempotency-Key': 'k-day' };
      await invoke(handler, placeOrder(headers));

      // Act
      vi.setSystemTime(Date.now() + 86_400_000 - 60_000);
      const withinADay = await invoke(handler, placeOrder(headers));
      vi.setSystemTime(Date.now() + 120_000);
      const afterADay = await invoke(handler, placeOrder(headers));

      // Assess
      expect(withinADay.headers['idempotent-replayed']).toBe('true');
      expect(afterADay.headers).not.toHaveProperty('idempotent-replayed');
      expect(runs).toHaveBeenCalledTimes(2);
    });
  });

  describe('the same key with a different request', () => {
    it('answers 422 IDEMPOTENCY_KEY_REUSED for another body and keeps the first response', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store);
      const headers = { 'Idempotency-Key': 'k-reuse' };
      const first = await invoke(handler, placeOrder(headers, { sku: 'A-1', quantity: 2 }));

      // Act
      const reused = await invoke(handler, placeOrder(headers, { sku: 'A-1', quantity: 3 }));
      const replay = await invoke(handler, placeOrder(headers, { sku: 'A-1', quantity: 2 }));

      // Assess
      expect(reused.statusCode).toBe(422);
      expect(reused.body).toEqual({
        error: {
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: 'This Idempotency-Key was already used with a different request',
          details: [{ path: 'headers.idempotency-key', message: 'Already used with a different request' }],
        },
      });
      expect(runs).toHaveBeenCalledTimes(1);
      expect(replay.rawBody).toBe(first.rawBody);
    });

    it('answers 422 for another path on the same route', async () => {
      // Prepare
      const handler = createHttpHandler(
        {
          access: 'customer',
          path: z.strictObject({ id: z.string() }),
          idempotency: idempotent({ store }),
        },
        async ({ path }) => ok({ cancelled: path.id }),
      );
      const cancel = (id: string) => ({
        ...apiGatewayEvent({
          method: 'POST',
          path: `/orders/${id}/cancel`,
          pathParameters: { id },
          headers: { 'Idempotency-Key': 'k-cancel' },
          claims: ALICE,
        }),
        resource: '/orders/{id}/cancel',
      });

      // Act
      const first = (await handler(cancel('o-1'), lambdaContext())) as APIGatewayProxyResult;
      const other = (await handler(cancel('o-2'), lambdaContext())) as APIGatewayProxyResult;

      // Assess
      expect(first.statusCode).toBe(200);
      expect(other.statusCode).toBe(422);
    });

    it('keeps keys of different routes apart', async () => {
      // Prepare
      const { handler: orders, runs } = orderRoute(store);
      const products = createHttpHandler(
        { access: 'customer', body: basket, idempotency: idempotent({ store }) },
        async () => created({ id: 'p-1' }, '/products/p-1'),
      );
      const headers = { 'Idempotency-Key': 'k-route' };

      // Act
      const order = await invoke(orders, placeOrder(headers));
      const product = await invoke(products, { ...placeOrder(headers), path: '/products' });

      // Assess
      expect(runs).toHaveBeenCalledTimes(1);
      expect(order.headers.location).toMatch(/^\/orders\//);
      expect(product.headers).toMatchObject({ location: '/products/p-1' });
      expect(product.headers).not.toHaveProperty('idempotent-replayed');
    });
  });

  describe('scoping', () => {
    it('keeps the same key of two callers independent', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store);
      const headers = { 'Idempotency-Key': 'shared-key' };

      // Act
      const alice = await invoke(handler, placeOrder(headers));
      const bob = await invoke(handler, { ...placeOrder(headers, { sku: 'B-2', quantity: 1 }), claims: BOB });
      const bobAgain = await invoke(handler, {
        ...placeOrder(headers, { sku: 'B-2', quantity: 1 }),
        claims: BOB,
      });

      // Assess
      expect(runs).toHaveBeenCalledTimes(2);
      expect(alice.statusCode).toBe(201);
      expect(bob.statusCode).toBe(201);
      expect(bob.body).not.toEqual(alice.body);
      expect(bobAgain.rawBody).toBe(bob.rawBody);
      expect(store.records.size).toBe(2);
    });

    it('gives anonymous callers one shared scope, apart from signed-in callers', async () => {
      // Prepare
      const runs = vi.fn(async () => created({ id: `s-${runs.mock.calls.length}` }, '/sign-ups/1'));
      const handler = createHttpHandler({ access: 'public', idempotency: idempotent({ store }) }, runs);
      const request = { method: 'POST', path: '/sign-ups', headers: { 'Idempotency-Key': 'k-anon' } };

      // Act
      await invoke(handler, request);
      const anonymousAgain = await invoke(handler, request);
      const signedIn = await invoke(handler, { ...request, claims: ALICE });

      // Assess
      expect(anonymousAgain.headers['idempotent-replayed']).toBe('true');
      expect(signedIn.headers).not.toHaveProperty('idempotent-replayed');
      expect(runs).toHaveBeenCalledTimes(2);
    });
  });

  describe('a malformed Idempotency-Key', () => {
    it.each([
      ['empty', ''],
      ['256 characters', 'k'.repeat(256)],
      ['not ASCII', 'clé-1'],
      ['a control character', 'key\t1'],
    ])('is a 400 when %s, and nothing runs', async (_case, key) => {
      // Prepare
      const { handler, runs } = orderRoute(store);

      // Act
      const result = await invoke(handler, placeOrder({ 'Idempotency-Key': key }));

      // Assess
      expect(result.statusCode).toBe(400);
      expect(result.body).toEqual({
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Invalid Idempotency-Key header',
          details: [
            { path: 'headers.idempotency-key', message: 'Must be 1 to 255 printable ASCII characters' },
          ],
        },
      });
      expect(runs).not.toHaveBeenCalled();
      expect(store.calls).toEqual([]);
    });

    it.each([
      ['255 characters', 'k'.repeat(255)],
      ['spaces and symbols', ' ~!a b#{}'],
    ])('accepts %s', async (_case, key) => {
      const { handler } = orderRoute(store);

      const result = await invoke(handler, placeOrder({ 'Idempotency-Key': key }));

      expect(result.statusCode).toBe(201);
    });

    it('is not reached before access and body checks', async () => {
      const { handler } = orderRoute(store);

      const anonymous = await invoke(handler, {
        ...placeOrder({ 'Idempotency-Key': '' }),
        claims: undefined,
      });
      const badBody = await invoke(handler, placeOrder({ 'Idempotency-Key': 'k-ok' }, { sku: 1 }));

      expect(anonymous.statusCode).toBe(401);
      expect(badBody.statusCode).toBe(400);
      expect(store.calls).toEqual([]);
    });
  });

  describe('a request still in progress', () => {
    it('answers 409 CONFLICT with Retry-After to the same key, then replays once it finished', async () => {
      // Prepare
      const gate = deferred<void>();
      const { handler, runs } = orderRoute(store, async (body) => {
        await gate.promise;
        return defaultWork(body);
      });
      const headers = { 'Idempotency-Key': 'k-slow' };
      const first = invoke(handler, placeOrder(headers));
      await vi.waitFor(() => expect(runs).toHaveBeenCalledTimes(1));

      // Act
      const concurrent = await invoke(handler, placeOrder(headers));
      gate.resolve();
      const done = await first;
      const later = await invoke(handler, placeOrder(headers));

      // Assess
      expect(concurrent.statusCode).toBe(409);
      expect(concurrent.headers['retry-after']).toBe('1');
      expect(concurrent.body).toMatchObject({ error: { code: 'CONFLICT' } });
      expect(done.statusCode).toBe(201);
      expect(later.rawBody).toBe(done.rawBody);
      expect(runs).toHaveBeenCalledTimes(1);
    });

    it('answers 422, not 409, to a different body', async () => {
      const gate = deferred<void>();
      const { handler, runs } = orderRoute(store, async (body) => {
        await gate.promise;
        return defaultWork(body);
      });
      const headers = { 'Idempotency-Key': 'k-slow-422' };
      const first = invoke(handler, placeOrder(headers));
      await vi.waitFor(() => expect(runs).toHaveBeenCalledTimes(1));

      const other = await invoke(handler, placeOrder(headers, { sku: 'Z-9', quantity: 1 }));
      gate.resolve();
      await first;

      expect(other.statusCode).toBe(422);
    });

    it('expires with the remaining time of the invocation that started it', async () => {
      // Prepare: the first invocation has 5 s left and never finishes (as if it timed out).
      vi.useFakeTimers({ toFake: ['Date'] });
      const { handler, runs } = orderRoute(store, async (body) =>
        runs.mock.calls.length === 1 ? new Promise<HttpResponse>(() => undefined) : defaultWork(body),
      );
      const headers = { 'Idempotency-Key': 'k-timeout' };
      const dying = { ...lambdaContext(), getRemainingTimeInMillis: () => 5_000 };
      void invokeWith(handler, placeOrder(headers), dying);
      await vi.waitFor(() => expect(runs).toHaveBeenCalledTimes(1));
      const whileRunning = await invoke(handler, placeOrder(headers));

      // Act
      vi.setSystemTime(Date.now() + 5_001);
      const afterTimeout = await invoke(handler, placeOrder(headers));

      // Assess
      expect(whileRunning.statusCode).toBe(409);
      expect(afterTimeout.statusCode).toBe(201);
      expect(runs).toHaveBeenCalledTimes(2);
    });

    it('takes the in-progress expiry from the test context of @shop/lambda-kit/testing', async () => {
      // Prepare
      const gate = deferred<void>();
      const { handler, runs } = orderRoute(store, async (body) => {
        await gate.promise;
        return defaultWork(body);
      });
      const before = Date.now();

      // Act
      const pending = invoke(handler, placeOrder({ 'Idempotency-Key': 'k-ctx' }));
      await vi.waitFor(() => expect(runs).toHaveBeenCalledTimes(1));
      const inProgress = store.only();
      gate.resolve();
      await pending;

      // Assess: lambdaContext() has 10 s left.
      expect(inProgress?.getStatus()).toBe('INPROGRESS');
      expect(inProgress?.inProgressExpiryTimestamp).toBeGreaterThanOrEqual(before + 10_000);
      expect(inProgress?.inProgressExpiryTimestamp).toBeLessThanOrEqual(Date.now() + 10_000);
    });
  });

  describe('50 concurrent requests with one key', () => {
    it('run the handler once; the others get the replay or 409, and every later one the replay', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store, async (body) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return defaultWork(body);
      });
      const headers = { 'Idempotency-Key': 'k-stampede' };

      // Act
      const results = await Promise.all(
        Array.from({ length: 50 }, () => invoke(handler, placeOrder(headers))),
      );
      const later = await Promise.all(Array.from({ length: 10 }, () => invoke(handler, placeOrder(headers))));

      // Assess
      expect(runs).toHaveBeenCalledTimes(1);
      const original = results.filter((r) => r.statusCode === 201 && !r.headers['idempotent-replayed']);
      expect(original).toHaveLength(1);
      for (const result of results) {
        if (result.statusCode === 409) {
          expect(result.headers['retry-after']).toBe('1');
        } else {
          expect(result.statusCode).toBe(201);
          expect(result.rawBody).toBe(original[0]?.rawBody);
        }
      }
      for (const result of later) {
        expect(result.statusCode).toBe(201);
        expect(result.headers['idempotent-replayed']).toBe('true');
        expect(result.rawBody).toBe(original[0]?.rawBody);
      }
    });
  });

  describe('a request that fails', () => {
    it('is not stored when the handler throws a domain error: a retry runs again', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store, async (body) => {
        if (runs.mock.calls.length === 1) {
          throw new InsufficientStockError([{ productId: 'p-1', requested: 2, available: 1 }]);
        }
        return defaultWork(body);
      });
      const headers = { 'Idempotency-Key': 'k-stock' };

      // Act
      const failed = await invoke(handler, placeOrder(headers));
      const afterFailure = store.records.size;
      const retried = await invoke(handler, placeOrder(headers));
      const replayed = await invoke(handler, placeOrder(headers));

      // Assess
      expect(failed.statusCode).toBe(409);
      expect(failed.body).toMatchObject({ error: { code: 'INSUFFICIENT_STOCK' } });
      expect(afterFailure).toBe(0);
      expect(retried.statusCode).toBe(201);
      expect(retried.headers).not.toHaveProperty('idempotent-replayed');
      expect(replayed.rawBody).toBe(retried.rawBody);
      expect(runs).toHaveBeenCalledTimes(2);
    });

    it('is not stored when the handler fails unexpectedly (500)', async () => {
      const { handler, runs } = orderRoute(store, async (body) => {
        if (runs.mock.calls.length === 1) {
          throw new Error('database went away');
        }
        return defaultWork(body);
      });
      const headers = { 'Idempotency-Key': 'k-500' };

      const failed = await invoke(handler, placeOrder(headers));
      const retried = await invoke(handler, placeOrder(headers));

      expect(failed.statusCode).toBe(500);
      expect(retried.statusCode).toBe(201);
      expect(runs).toHaveBeenCalledTimes(2);
    });

    it('is not stored when the handler answers with a non-2xx status', async () => {
      const { handler, runs } = orderRoute(store, async (body) =>
        runs.mock.calls.length === 1 ? { statusCode: 409, body: { queued: false } } : defaultWork(body),
      );
      const headers = { 'Idempotency-Key': 'k-409' };

      const first = await invoke(handler, placeOrder(headers));
      const retried = await invoke(handler, placeOrder(headers));

      expect(first.statusCode).toBe(409);
      expect(first.body).toEqual({ queued: false });
      expect(retried.statusCode).toBe(201);
      expect(runs).toHaveBeenCalledTimes(2);
    });
  });

  describe('the store', () => {
    it('unreachable before the handler ran: 503 with Retry-After, and nothing runs', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store);
      store.failing.add('put');

      // Act
      const result = await invoke(handler, placeOrder({ 'Idempotency-Key': 'k-down' }));

      // Assess
      expect(result.statusCode).toBe(503);
      expect(result.headers['retry-after']).toBe('1');
      expect(result.body).toMatchObject({ error: { code: 'SERVICE_UNAVAILABLE' } });
      expect(runs).not.toHaveBeenCalled();
    });

    it('failing to store the response: the client still gets it, and the failure is logged', async () => {
      // Prepare
      const { handler, runs } = orderRoute(store);
      store.failing.add('update');

      // Act
      const result = await invoke(handler, placeOrder({ 'Idempotency-Key': 'k-no-update' }));

      // Assess
      expect(result.statusCode).toBe(201);
      expect(runs).toHaveBeenCalledTimes(1);
      expect(errorLog).toHaveBeenCalledWith(
        'Idempotency record left in progress after the handler ran',
        expect.anything(),
      );
    });

    it('failing to remove the record of a failed request: the client still gets the real error', async () => {
      // Prepare
      const { handler } = orderRoute(store, async () => {
        throw new InsufficientStockError([{ productId: 'p-1', requested: 2, available: 0 }]);
      });
      store.failing.add('delete');

      // Act
      const result = await invoke(handler, placeOrder({ 'Idempotency-Key': 'k-no-delete' }));

      // Assess
      expect(result.statusCode).toBe(409);
      expect(result.body).toMatchObject({ error: { code: 'INSUFFICIENT_STOCK' } });
      expect(errorLog).toHaveBeenCalledWith(
        'Idempotency record left in progress after the handler ran',
        expect.anything(),
      );
    });
  });

  describe('configuration', () => {
    it('fails every request with a ConfigError naming IDEMPOTENCY_TABLE when it is missing', async () => {
      // Prepare
      vi.stubEnv('IDEMPOTENCY_TABLE', '');
      const runs = vi.fn(async () => ok({}));
      const handler = createHttpHandler({ access: 'public', idempotency: idempotent() }, runs);

      // Act
      const result = await invoke(handler, { method: 'POST', path: '/things' });

      // Assess
      expect(result.statusCode).toBe(500);
      expect(runs).not.toHaveBeenCalled();
      expect(errorLog).toHaveBeenCalledWith('Unhandled error', {
        error: expect.objectContaining({
          name: 'ConfigError',
          message: 'Invalid configuration: IDEMPOTENCY_TABLE is missing',
        }),
      });
    });

    it('is off with POWERTOOLS_IDEMPOTENCY_DISABLED=true', async () => {
      vi.stubEnv('POWERTOOLS_IDEMPOTENCY_DISABLED', 'true');
      const { handler, runs } = orderRoute(store);
      const headers = { 'Idempotency-Key': 'k-off' };

      await invoke(handler, placeOrder(headers));
      await invoke(handler, placeOrder(headers));

      expect(runs).toHaveBeenCalledTimes(2);
      expect(store.calls).toEqual([]);
    });
  });
});
