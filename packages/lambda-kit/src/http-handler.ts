import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type Access, assertAccess } from './access.policy';
import { httpErrorMiddleware } from './http-error.middleware';
import { type ParsedInput, parseInput } from './http-input.parser';
import { type HttpRequest, headersOf } from './http-request';
import { type HttpResponse, toProxyResult } from './http-response';
import { logger, metrics, tracer } from './observability';
import { payloadLimitMiddleware } from './payload-limit.middleware';
import { type Principal, principalFromEvent } from './principal';
import { requestIdsOf } from './request-id';
import { requestIdMiddleware } from './request-id.middleware';
import type { Schema } from './schema';
import { tracingMiddleware } from './tracing.middleware';

/** What a route accepts and who may call it. */
export interface HttpHandlerSpec<B, Q, P> {
  readonly access: Access;
  /** The JSON body; use `z.strictObject` so unknown fields are a 400. Without it the body is ignored. */
  readonly body?: Schema<B>;
  /** `queryStringParameters` (`{}` when there are none); values are strings, so coerce. */
  readonly query?: Schema<Q>;
  /** `pathParameters`; values are strings, so coerce. */
  readonly path?: Schema<P>;
  /**
   * Honour the `Idempotency-Key` header: `idempotent()` from `@shop/lambda-kit/idempotency`. A
   * separate entry point, so the DynamoDB client is only bundled into functions that opt in.
   */
  readonly idempotency?: IdempotencyGuard;
}

/** One invocation as an {@link IdempotencyGuard} sees it: checked for access and validated. */
export interface IdempotentInvocation {
  readonly event: APIGatewayProxyEvent;
  readonly context: Context;
  readonly principal: Principal | null;
  /** Lower-cased names, as the handler gets them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The validated path, query and body: what makes two requests "the same request". */
  readonly input: ParsedInput<unknown, unknown, unknown>;
}

/**
 * Runs a route's work at most once per idempotency key: `execute` runs the handler and serialises its
 * response; the guard either calls it or answers from what an earlier call stored.
 */
export interface IdempotencyGuard {
  run(
    invocation: IdempotentInvocation,
    execute: () => Promise<APIGatewayProxyResult>,
  ): Promise<APIGatewayProxyResult>;
}

/** An API Gateway REST (proxy integration) Lambda handler. */
export type HttpHandler = MiddyfiedHandler<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;

/**
 * Builds a Lambda handler for an API Gateway REST route: `fn` receives validated input and the caller,
 * and returns a status and a JSON body; the middleware stack does the rest, in this order:
 *
 * 1. Powertools logger context, X-Ray tracing and metrics (with a cold-start metric);
 * 2. request and correlation ids on every log line and an `x-request-id` header on every response;
 * 3. errors mapped to the contract's statuses and error body (see `mapError`);
 * 4. 413 for a body over 1 MiB;
 * 5. then, in the handler: 401/403 access check, then 400 validation of path, query and body;
 * 6. with `idempotency`, the guard decides whether the handler runs or a stored response is replayed.
 */
export const createHttpHandler = <B = undefined, Q = Record<string, never>, P = Record<string, never>>(
  spec: HttpHandlerSpec<B, Q, P>,
  fn: (req: HttpRequest<B, Q, P>) => Promise<HttpResponse>,
): HttpHandler => {
  const handle = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const principal = principalFromEvent(event);
    // Access comes first: a caller who may not use the route learns nothing about its input rules.
    assertAccess(spec.access, principal);
    const input = parseInput(spec, event);
    const { requestId, correlationId } = requestIdsOf(event);
    const headers = headersOf(event);
    const execute = async () =>
      toProxyResult(await fn({ ...input, headers, principal, requestId, correlationId }));
    // Invalid requests never reach the guard: they cost no idempotency record and are never replayed.
    return spec.idempotency
      ? spec.idempotency.run({ event, context, principal, headers, input }, execute)
      : execute();
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>(handle)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(tracingMiddleware(tracer))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(requestIdMiddleware(logger))
    .use(httpErrorMiddleware(logger))
    .use(payloadLimitMiddleware());
};
