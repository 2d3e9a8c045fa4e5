/**
 * The Lambda kit every HTTP function of the shop is built with: a middy stack that turns an API
 * Gateway REST event into validated input and a caller, and a handler's result or error into the
 * public contract's response (`../shared/docs/api.md`), with Powertools logging, tracing and metrics.
 *
 * @example
 * ```ts
 * // POST /products/{id}/stock-adjustments
 * export const handler = createHttpHandler(
 *   {
 *     access: 'admin',
 *     path: z.strictObject({ id: z.uuid() }),
 *     body: z.strictObject({ delta: z.number().int(), reason: z.enum(['restock', 'damage']) }),
 *   },
 *   async ({ path, body, correlationId }) => ok(await adjustStock(path.id, body, correlationId)),
 * );
 * ```
 *
 * Errors: throw a `DomainError` from `@shop/domain`; {@link mapError} turns its code into the
 * contract's status. Anything else becomes a generic 500, logged once.
 *
 * Idempotency keys: `idempotency: idempotent()` in the spec, with `idempotent` from
 * `@shop/lambda-kit/idempotency` (its own entry point, so only those functions bundle DynamoDB).
 *
 * @packageDocumentation
 */
export type { Access } from './access.policy';
export { ConfigError, readConfig } from './config';
export { etagFor, parseIfMatch } from './entity-tag';
export { type ErrorBody, type MappedError, mapError } from './error.mapper';
export {
  createHttpHandler,
  type HttpHandler,
  type HttpHandlerSpec,
  type IdempotencyGuard,
  type IdempotentInvocation,
} from './http-handler';
export type { HttpRequest } from './http-request';
export { created, type HttpResponse, noContent, ok } from './http-response';
export { lazy } from './lazy';
export type { LazyTracer } from './lazy-tracer';
export { logger, metrics, tracer } from './observability';
export { MAX_BODY_BYTES } from './payload-limit.middleware';
export { type Principal, parseGroupsClaim, principalFromEvent } from './principal';
export type { Schema } from './schema';
