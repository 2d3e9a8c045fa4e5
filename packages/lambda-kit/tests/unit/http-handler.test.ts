import { ConflictError, NotFoundError, ServiceUnavailableError } from '@shop/domain';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { z } from 'zod';
import { createHttpHandler } from '../../src/http-handler';
import type { HttpRequest } from '../../src/http-request';
import { created, noContent, ok } from '../../src/http-response';
import { logger, metrics } from '../../src/observability';
import type { Principal } from '../../src/principal';
import { httpEvent, lambdaContext, recordedEvent, withClaims } from './support/lambda';

// What tests and local runs set: no X-Ray, no EMF output.
vi.hoisted(() => {
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const JSON_TYPE = 'application/json; charset=utf-8';
const ADMIN = { sub: 'admin-1', email: 'ops@example.com', 'cognito:groups': 'admin' };
const CUSTOMER = { sub: 'customer-1', email: 'c@example.com', 'cognito:groups': ['customer'] };

const invoke = (handler: ReturnType<typeof createHttpHandler>, event: APIGatewayProxyEvent) =>
  handler(event, lambdaContext()) as Promise<APIGatewayProxyResult>;

const jsonBody = (result: APIGatewayProxyResult): unknown => JSON.parse(result.body);

const logLines = () => {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) {
      lines.push(JSON.parse(line));
    }
    return true;
  });
  return lines;
};

const stockAdjustment = z.strictObject({
  delta: z.number().int(),
  reason: z.enum(['restock', 'correction', 'damage', 'return']),
  note: z.string().max(500).optional(),
});

describe('createHttpHandler', () => {
  let errorLog: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    errorLog = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('a recorded API Gateway REST event', () => {
    it('goes through the whole stack to the handler and back', async () => {
      // Prepare
      const seen: HttpRequest<z.infer<typeof stockAdjustment>, Record<string, never>, { id: string }>[] = [];
      const handler = createHttpHandler(
        { access: 'admin', path: z.strictObject({ id: z.uuid() }), body: stockAdjustment },
        async (req) => {
          seen.push(req);
          return ok({ productId: req.path.id, stock: 47 });
        },
      );

      // Act
      const result = await invoke(handler, recordedEvent());

      // Assess
      expect(result).toEqual({
        statusCode: 200,
        headers: { 'content-type': JSON_TYPE, 'x-request-id': 'c0ffee00-1234-4abc-9def-0123456789ab' },
        body: JSON.stringify({ productId: '4f7c1a52-8d0e-4c1b-9a51-2f6f0c7d9e10', stock: 47 }),
      });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        body: { delta: 5, reason: 'restock', note: 'pallet 12' },
        query: {},
        path: { id: '4f7c1a52-8d0e-4c1b-9a51-2f6f0c7d9e10' },
        principal: { sub: '0b4f9a8e-3c2d-4e1f-8a7b-6c5d4e3f2a1b', groups: ['admin', 'customer'] },
        requestId: 'c0ffee00-1234-4abc-9def-0123456789ab',
        correlationId: 'checkout-7d3f',
      });
      expect(seen[0]?.headers['content-type']).toBe('application/json');
      expect(seen[0]?.headers['x-correlation-id']).toBe('checkout-7d3f');
    });
  });

  describe('types', () => {
    it('gives the handler the types its schemas produce', async () => {
      const handler = createHttpHandler(
        {
          access: 'signedIn',
          body: stockAdjustment,
          query: z.strictObject({ limit: z.coerce.number().default(20) }),
          path: z.strictObject({ id: z.string() }),
        },
        async (req) => {
          expectTypeOf(req.body).toEqualTypeOf<z.output<typeof stockAdjustment>>();
          expectTypeOf(req.query).toEqualTypeOf<{ limit: number }>();
          expectTypeOf(req.path).toEqualTypeOf<{ id: string }>();
          expectTypeOf(req.principal).toEqualTypeOf<Principal | null>();
          return ok({});
        },
      );
      const bare = createHttpHandler({ access: 'public' }, async (req) => {
        expectTypeOf(req.body).toEqualTypeOf<undefined>();
        return noContent();
      });

      expect(typeof handler).toBe('function');
      expect(typeof bare).toBe('function');
    });
  });

  describe('responses', () => {
    it('returns 201 with Location and a JSON body', async () => {
      const handler = createHttpHandler({ access: 'public' }, async () =>
        created({ id: 'p-1' }, '/products/p-1'),
      );

      const result = await invoke(handler, httpEvent());

      expect(result.statusCode).toBe(201);
      expect(result.headers).toMatchObject({ Location: '/products/p-1', 'content-type': JSON_TYPE });
      expect(jsonBody(result)).toEqual({ id: 'p-1' });
    });

    it('returns 204 without a body', async () => {
      const handler = createHttpHandler({ access: 'public' }, async () => noContent());

      const result = await invoke(handler, httpEvent());

      expect(result.statusCode).toBe(204);
      expect(result.body).toBe('');
      expect(result.headers).not.toHaveProperty('content-type');
    });

    it('keeps headers the handler set', async () => {
      const handler = createHttpHandler({ access: 'public' }, async () =>
        ok({ version: 3 }, { ETag: '"3"' }),
      );

      const result = await invoke(handler, httpEvent());

      expect(result.headers).toMatchObject({ ETag: '"3"' });
    });
  });

  describe('x-request-id', () => {
    // API Gateway's id of the recorded event; every request below also sends an x-request-id of its own.
    const API_GATEWAY_ID = recordedEvent().requestContext.requestId;

    it('answers with API Gateway’s request id, never the x-request-id the client sent', async () => {
      const handler = createHttpHandler({ access: 'public' }, async () => ok({}));

      const result = await invoke(handler, httpEvent({ headers: { 'X-Request-Id': 'client-abc' } }));

      expect(API_GATEWAY_ID).toBe('c0ffee00-1234-4abc-9def-0123456789ab');
      expect(result.headers?.['x-request-id']).toBe(API_GATEWAY_ID);
    });

    it('is on a 4xx response', async () => {
      const handler = createHttpHandler({ access: 'public' }, async () => {
        throw new NotFoundError('Product');
      });

      const result = await invoke(handler, httpEvent({ headers: { 'x-request-id': 'req-404' } }));

      expect(result.statusCode).toBe(404);
      expect(result.headers?.['x-request-id']).toBe(API_GATEWAY_ID);
    });

    it('is on a 500 response', async () => {
      const handler = createHttpHandler({ access: 'public' }, async () => {
        throw new Error('boom');
      });

      const result = await invoke(handler, httpEvent({ headers: { 'x-request-id': 'req-500' } }));

      expect(result.statusCode).toBe(500);
      expect(result.headers?.['x-request-id']).toBe(API_GATEWAY_ID);
    });

    it('is on a response to an error thrown by a middleware', async () => {
      // Prepare
      const fn = vi.fn(async () => ok({}));
      const handler = createHttpHandler({ access: 'public', body: stockAdjustment }, fn);
      const event = httpEvent({ headers: { 'x-request-id': 'req-413' }, body: 'x'.repeat(1_048_577) });

      // Act
      const result = await invoke(handler, event);

      // Assess
      expect(result.statusCode).toBe(413);
      expect(result.headers?.['x-request-id']).toBe(API_GATEWAY_ID);
      expect(fn).not.toHaveBeenCalled();
    });

    it('is generated when API Gateway gave none, even when the client sent one, and matches the handler’s', async () => {
      // Prepare
      let handlerRequestId = '';
      const handler = createHttpHandler({ access: 'public' }, async (req) => {
        handlerRequestId = req.requestId;
        return ok({});
      });
      const event = httpEvent({ headers: { 'x-request-id': 'client-chosen' } });
      event.requestContext.requestId = '';

      // Act
      const result = await invoke(handler, event);

      // Assess
      expect(handlerRequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.headers?.['x-request-id']).toBe(handlerRequestId);
    });
  });

  describe('logging', () => {
    it('puts the request, correlation and client request ids on every log line of the invocation, and only there', async () => {
      // Prepare
      const lines = logLines();
      const handler = createHttpHandler({ access: 'public' }, async () => {
        logger.info('inside');
        return ok({});
      });
      const event = httpEvent({ headers: { 'x-request-id': 'req-log', 'x-correlation-id': 'corr-log' } });

      // Act
      await invoke(handler, event);
      logger.info('outside');

      // Assess
      const inside = lines.find((line) => line.message === 'inside');
      const outside = lines.find((line) => line.message === 'outside');
      expect(inside).toMatchObject({
        requestId: event.requestContext.requestId,
        correlationId: 'corr-log',
        clientRequestId: 'req-log',
      });
      expect(inside).toHaveProperty('function_request_id', lambdaContext().awsRequestId);
      expect(outside).toBeDefined();
      expect(outside).not.toHaveProperty('requestId');
      expect(outside).not.toHaveProperty('correlationId');
      expect(outside).not.toHaveProperty('clientRequestId');
    });

    it('logs an unexpected error once, at error level, with its cause', async () => {
      // Prepare
      errorLog.mockRestore();
      const lines: Record<string, unknown>[] = [];
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
        lines.push(JSON.parse(String(chunk)));
        return true;
      });
      const handler = createHttpHandler({ access: 'public' }, async () => {
        throw new Error('select * from secret', { cause: new Error('connection refused') });
      });
      const event = httpEvent({ headers: { 'x-request-id': 'req-boom' } });

      // Act
      await invoke(handler, event);

      // Assess
      const errors = lines.filter((line) => line.level === 'ERROR');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        message: 'Unhandled error',
        requestId: event.requestContext.requestId,
        clientRequestId: 'req-boom',
        error: { message: 'select * from secret', cause: { message: 'connection refused' } },
      });
    });

    it('does not log client errors as errors', async () => {
      const handler = createHttpHandler({ access: 'admin' }, async () => ok({}));

      await invoke(handler, httpEvent());

      expect(errorLog).not.toHaveBeenCalled();
    });
  });

  describe('metrics', () => {
    it('flushes metrics after every invocation, failed ones included', async () => {
      // Prepare
      const publish = vi.spyOn(metrics, 'publishStoredMetrics');
      const succeeding = createHttpHandler({ access: 'public' }, async () => ok({}));
      const failing = createHttpHandler({ access: 'public' }, async () => {
        throw new Error('boom');
      });

      // Act
      await invoke(succeeding, httpEvent());
      await invoke(failing, httpEvent());

      // Assess
      expect(publish).toHaveBeenCalledTimes(2);
    });

    it('records a cold start metric', async () => {
      const coldStart = vi.spyOn(metrics, 'captureColdStartMetric');
      const handler = createHttpHandler({ access: 'public' }, async () => ok({}));

      await invoke(handler, httpEvent());

      expect(coldStart).toHaveBeenCalledWith(lambdaContext().functionName);
    });
  });

  describe('errors', () => {
    it('answers an unexpected error with a generic 500 that leaks nothing', async () => {
      // Prepare
      const handler = createHttpHandler({ access: 'public' }, async () => {
        throw new Error('select * from secret');
      });

      // Act
      const result = await invoke(handler, httpEvent());

      // Assess
      expect(result.statusCode).toBe(500);
      expect(result.headers).toMatchObject({ 'content-type': JSON_TYPE });
      expect(jsonBody(result)).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
      expect(result.body).not.toContain('select');
      expect(result.body).not.toContain('secret');
    });

    it('answers 503 with Retry-After and logs it as a warning', async () => {
      const warnLog = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
      const handler = createHttpHandler({ access: 'public' }, async () => {
        throw new ServiceUnavailableError('Database is busy', 5);
      });

      const result = await invoke(handler, httpEvent());

      expect(warnLog).toHaveBeenCalledOnce();
      expect(errorLog).not.toHaveBeenCalled();
      expect(result.statusCode).toBe(503);
      expect(result.headers).toMatchObject({ 'Retry-After': '5' });
      expect(jsonBody(result)).toEqual({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'Database is busy' },
      });
    });

    it('answers a domain error with its status, code, message and details', async () => {
      const handler = createHttpHandler({ access: 'public' }, async () => {
        throw new ConflictError('SKU already exists', [{ path: 'sku', message: 'taken' }]);
      });

      const result = await invoke(handler, httpEvent());

      expect(result.statusCode).toBe(409);
      expect(jsonBody(result)).toEqual({
        error: {
          code: 'CONFLICT',
          message: 'SKU already exists',
          details: [{ path: 'sku', message: 'taken' }],
        },
      });
    });
  });

  describe('body', () => {
    it('rejects a body over 1 MiB with 413 before parsing it', async () => {
      const handler = createHttpHandler({ access: 'public', body: stockAdjustment }, async () => ok({}));

      const result = await invoke(handler, httpEvent({ body: `{"note":"${'x'.repeat(1_048_576)}"}` }));

      expect(result.statusCode).toBe(413);
      expect(jsonBody(result)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    });

    it('measures a base64-encoded body by its decoded size', async () => {
      // Prepare
      const handler = createHttpHandler({ access: 'public' }, async () => ok({}));
      const exactlyOneMiB = Buffer.alloc(1_048_576, 'a').toString('base64');
      const oneByteMore = Buffer.alloc(1_048_577, 'a').toString('base64');

      // Act
      const atLimit = await invoke(handler, httpEvent({ body: exactlyOneMiB, isBase64Encoded: true }));
      const overLimit = await invoke(handler, httpEvent({ body: oneByteMore, isBase64Encoded: true }));

      // Assess
      expect(atLimit.statusCode).toBe(200);
      expect(overLimit.statusCode).toBe(413);
    });

    it('accepts a base64-encoded JSON body', async () => {
      const handler = createHttpHandler({ access: 'public', body: stockAdjustment }, async (req) =>
        ok(req.body),
      );
      const body = Buffer.from('{"delta":1,"reason":"return"}').toString('base64');

      const result = await invoke(handler, httpEvent({ body, isBase64Encoded: true }));

      expect(jsonBody(result)).toEqual({ delta: 1, reason: 'return' });
    });

    it.each([
      ['missing', null],
      ['empty', ''],
      ['malformed', '{"delta": 1,'],
    ])('answers a %s body with 400 VALIDATION_FAILED', async (_case, body) => {
      const handler = createHttpHandler({ access: 'public', body: stockAdjustment }, async () => ok({}));

      const result = await invoke(handler, httpEvent({ body }));

      expect(result.statusCode).toBe(400);
      expect(jsonBody(result)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      expect(result.body).not.toMatch(/Unexpected|position/);
    });

    it('ignores the body of a route without a body schema', async () => {
      const handler = createHttpHandler({ access: 'public' }, async (req) => ok({ body: req.body ?? null }));

      const result = await invoke(handler, httpEvent({ body: 'not json at all' }));

      expect(result.statusCode).toBe(200);
      expect(jsonBody(result)).toEqual({ body: null });
    });
  });

  describe('validation', () => {
    it('answers invalid fields with 400 and a detail per field', async () => {
      // Prepare
      const body = z.strictObject({
        items: z.array(z.strictObject({ productId: z.uuid(), quantity: z.number().int().min(1).max(100) })),
      });
      const handler = createHttpHandler({ access: 'public', body }, async () => ok({}));
      const event = httpEvent({
        body: JSON.stringify({
          items: [{ productId: '4f7c1a52-8d0e-4c1b-9a51-2f6f0c7d9e10', quantity: 101 }],
        }),
      });

      // Act
      const result = await invoke(handler, event);

      // Assess
      expect(result.statusCode).toBe(400);
      expect(jsonBody(result)).toEqual({
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Invalid request body',
          details: [{ path: 'items.0.quantity', message: expect.any(String) }],
        },
      });
    });

    it('answers unknown fields with 400 and a detail naming each', async () => {
      const handler = createHttpHandler({ access: 'public', body: stockAdjustment }, async () => ok({}));

      const result = await invoke(
        handler,
        httpEvent({ body: '{"delta":1,"reason":"restock","price":0,"x":1}' }),
      );

      expect(result.statusCode).toBe(400);
      expect(jsonBody(result)).toMatchObject({
        error: {
          details: [
            { path: 'price', message: 'Unknown field' },
            { path: 'x', message: 'Unknown field' },
          ],
        },
      });
    });

    it('coerces query and path strings with the route’s schemas', async () => {
      // Prepare
      const handler = createHttpHandler(
        {
          access: 'public',
          query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
          path: z.strictObject({ id: z.uuid() }),
        },
        async (req) => ok({ limit: req.query.limit, id: req.path.id }),
      );
      const event = httpEvent({
        queryStringParameters: { limit: '7' },
        pathParameters: { id: '4f7c1a52-8d0e-4c1b-9a51-2f6f0c7d9e10' },
      });

      // Act
      const result = await invoke(handler, event);

      // Assess
      expect(jsonBody(result)).toEqual({ limit: 7, id: '4f7c1a52-8d0e-4c1b-9a51-2f6f0c7d9e10' });
    });

    it('answers an out-of-range query parameter with 400', async () => {
      const query = z.strictObject({ limit: z.coerce.number().int().min(1).max(100) });
      const handler = createHttpHandler({ access: 'public', query }, async () => ok({}));

      const result = await invoke(handler, httpEvent({ queryStringParameters: { limit: '1000' } }));

      expect(result.statusCode).toBe(400);
      expect(jsonBody(result)).toMatchObject({ error: { details: [{ path: 'limit' }] } });
    });
  });

  describe('access', () => {
    const routeFor = (access: 'public' | 'admin' | 'customer' | 'signedIn') =>
      createHttpHandler({ access }, async (req) => ok({ sub: req.principal?.sub ?? null }));

    it('lets anyone call a public route', async () => {
      const result = await invoke(routeFor('public'), httpEvent());

      expect(result.statusCode).toBe(200);
      expect(jsonBody(result)).toEqual({ sub: null });
    });

    it.each(['admin', 'customer', 'signedIn'] as const)(
      'answers an anonymous call to a %s route with 401',
      async (access) => {
        const result = await invoke(routeFor(access), withClaims(null));

        expect(result.statusCode).toBe(401);
        expect(jsonBody(result)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      },
    );

    it('answers claims without sub with 401', async () => {
      const result = await invoke(routeFor('signedIn'), withClaims({ email: 'a@example.com' }));

      expect(result.statusCode).toBe(401);
    });

    it('answers a customer calling an admin route with 403', async () => {
      const result = await invoke(routeFor('admin'), withClaims(CUSTOMER));

      expect(result.statusCode).toBe(403);
      expect(jsonBody(result)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    });

    it('answers an admin who is not a customer calling a customer route with 403', async () => {
      const result = await invoke(routeFor('customer'), withClaims(ADMIN));

      expect(result.statusCode).toBe(403);
    });

    it.each([
      ['admin', ADMIN],
      ['customer', CUSTOMER],
      ['signedIn', { sub: 'someone' }],
    ] as const)('lets the right caller through a %s route', async (access, claims) => {
      const result = await invoke(routeFor(access), withClaims(claims));

      expect(result.statusCode).toBe(200);
      expect(jsonBody(result)).toEqual({ sub: claims.sub });
    });

    it('checks access before validating, so an anonymous caller learns nothing about the input', async () => {
      const handler = createHttpHandler({ access: 'admin', body: stockAdjustment }, async () => ok({}));

      const anonymous = await invoke(handler, withClaims(null, httpEvent({ body: '{oops' })));
      const customer = await invoke(handler, withClaims(CUSTOMER, httpEvent({ body: '{oops' })));

      expect(anonymous.statusCode).toBe(401);
      expect(customer.statusCode).toBe(403);
    });
  });
});
