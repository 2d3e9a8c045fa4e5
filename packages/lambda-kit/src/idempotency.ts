/**
 * Idempotency keys for HTTP routes (api.md, "Idempotency"), on Powertools idempotency and DynamoDB.
 * A separate entry point from `@shop/lambda-kit`: only the functions that import it bundle the
 * Powertools idempotency utility and the DynamoDB client.
 *
 * Environment, read at the function's first invocation: `IDEMPOTENCY_TABLE` (required; the table of
 * `resources/idempotency-table.yml`) and `DYNAMODB_ENDPOINT` (optional; a local stand-in such as
 * dynalite). `POWERTOOLS_IDEMPOTENCY_DISABLED=true` turns idempotency off (Powertools' own switch).
 *
 * @example
 * ```ts
 * export const handler = createHttpHandler(
 *   { access: 'customer', body: placeOrderBody, idempotency: idempotent() },
 *   async ({ body, principal }) => { ... },
 * );
 * ```
 * @packageDocumentation
 */
export type { IdempotencyGuard, IdempotentInvocation } from './http-handler';
export {
  DEFAULT_EXPIRES_AFTER_SECONDS,
  DEFAULT_RETRY_AFTER_SECONDS,
  IdempotencyKeyReusedError,
  type IdempotencyOptions,
  idempotent,
  RequestInProgressError,
} from './idempotency.guard';
export { dynamoDbClientConfig, idempotencyStoreFromEnv } from './idempotency.store';
export {
  ANONYMOUS_SCOPE,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  idempotencyKeyOf,
  idempotencyScopeOf,
} from './idempotency-key';
