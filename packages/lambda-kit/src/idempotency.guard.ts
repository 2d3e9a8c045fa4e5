import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyItemNotFoundError,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ConflictError, DomainError, ServiceUnavailableError } from '@shop/domain';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { IdempotencyGuard, IdempotentInvocation } from './http-handler';
import type { ParsedInput } from './http-input.parser';
import { idempotencyStoreFromEnv } from './idempotency.store';
import { IDEMPOTENT_REPLAYED_HEADER, idempotencyKeyOf, idempotencyScopeOf } from './idempotency-key';
import { logger } from './observability';

/** How long a completed response is replayed: api.md keeps keys at least 24 hours. */
export const DEFAULT_EXPIRES_AFTER_SECONDS = 86_400;

/** What a client waiting on a request still in progress is told to wait before retrying. */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

export interface IdempotencyOptions {
  /**
   * Where records are kept. Default: Powertools' DynamoDB persistence layer over `IDEMPOTENCY_TABLE`
   * (and `DYNAMODB_ENDPOINT` when set), created at the function's first invocation. Tests may pass
   * any Powertools persistence layer.
   */
  readonly store?: BasePersistenceLayer;
  /** How long a completed response is replayed, in seconds. */
  readonly expiresAfterSeconds?: number;
  /** `Retry-After` of the 409 sent while the first request with a key is still running. */
  readonly retryAfterSeconds?: number;
}

/** 422: the caller used this key before, for a different request. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request', {
      details: [{ path: 'headers.idempotency-key', message: 'Already used with a different request' }],
    });
  }
}

/** 409 with `Retry-After`: the first request with this key has not finished yet. */
export class RequestInProgressError extends ConflictError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('A request with this Idempotency-Key is still in progress');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The response as stored in a record: exactly what the first caller got, before `x-request-id`. */
type StoredResponse = {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
};

/** What Powertools hashes: `key` identifies the record, `request` must match the stored one. */
interface IdempotentCall {
  /** Caller scope, route and the client's key; a list, so no separator can make two keys collide. */
  readonly key: readonly string[];
  readonly request: ParsedInput<unknown, unknown, unknown>;
}

type Execute = () => Promise<StoredResponse>;

/** What the handler did, so an error of the store after it ran does not hide its answer. */
type Outcome =
  | { readonly kind: 'returned'; readonly response: StoredResponse }
  | { readonly kind: 'threw'; readonly error: unknown };

/** Carries a non-2xx response through Powertools, which then removes the record instead of storing it. */
class UnstoredResponse extends Error {
  readonly response: StoredResponse;

  constructor(response: StoredResponse) {
    super('Only successful responses are stored');
    this.response = response;
  }
}

/**
 * Makes a route honour the `Idempotency-Key` header (api.md, "Idempotency") with Powertools
 * idempotency:
 *
 * - no header: the handler runs as usual; a malformed one (not 1-255 printable ASCII) is a 400;
 * - the key is scoped to the caller (`sub`, or one shared anonymous scope) and to the route;
 * - the first request runs the handler; a 2xx response is stored for 24 hours and sent again, with
 *   `Idempotent-Replayed: true` and a new `x-request-id`, to every later request with the same key
 *   and the same path, query and body;
 * - the same key with another path, query or body: 422 `IDEMPOTENCY_KEY_REUSED`;
 * - the same key while the first request still runs: 409 `CONFLICT` with `Retry-After`;
 * - an error or a non-2xx response is not stored: the record is removed, so a retry runs again;
 * - the store unreachable before the handler ran: 503 with `Retry-After`, and nothing ran.
 *
 * A request that dies without cleaning up (a timeout) blocks its key until the Lambda's remaining
 * time at its start has passed; then the key can be used again.
 *
 * @example
 * ```ts
 * import { createHttpHandler, created } from '@shop/lambda-kit';
 * import { idempotent } from '@shop/lambda-kit/idempotency';
 *
 * export const handler = createHttpHandler(
 *   { access: 'customer', body: placeOrderBody, idempotency: idempotent() },
 *   async ({ body, principal }) => {
 *     const order = await placeOrder(principal, body);
 *     return created(order, `/orders/${order.id}`);
 *   },
 * );
 * ```
 */
export const idempotent = (options: IdempotencyOptions = {}): IdempotencyGuard => {
  const retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  // Built at the first invocation, not at import: a function without IDEMPOTENCY_TABLE still loads
  // (tests, benchmarks) and fails on use with a ConfigError that names the variable.
  let runOnce: ReturnType<typeof idempotentRunner> | undefined;

  return {
    run: async (invocation, execute) => {
      runOnce ??= idempotentRunner(options);
      const key = idempotencyKeyOf(invocation.headers);
      if (key === undefined) {
        return execute();
      }
      const attempt: { outcome?: Outcome } = {};
      const executeAndRecord: Execute = async () => {
        let response: StoredResponse;
        try {
          response = storable(await execute());
        } catch (error) {
          attempt.outcome = { kind: 'threw', error };
          throw error;
        }
        attempt.outcome = { kind: 'returned', response };
        if (response.statusCode < 200 || response.statusCode > 299) {
          throw new UnstoredResponse(response);
        }
        return response;
      };
      try {
        return await runOnce(callOf(invocation, key), invocation.context, executeAndRecord);
      } catch (error) {
        return answerFor(error, attempt.outcome, retryAfterSeconds);
      }
    },
  };
};

const idempotentRunner = (options: IdempotencyOptions) =>
  // The context as second argument makes Powertools register it: a record in progress expires
  // with the invocation's remaining time, so a request that timed out does not block its key for a day.
  makeIdempotent((_call: IdempotentCall, _context: Context, execute: Execute) => execute(), {
    persistenceStore: options.store ?? idempotencyStoreFromEnv(),
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      payloadValidationJmesPath: 'request',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: options.expiresAfterSeconds ?? DEFAULT_EXPIRES_AFTER_SECONDS,
      hashFunction: 'sha256',
      responseHook: (response) => markReplayed(response as unknown as StoredResponse),
    }),
  });

const callOf = (invocation: IdempotentInvocation, key: string): IdempotentCall => ({
  key: [
    idempotencyScopeOf(invocation.principal),
    `${invocation.event.httpMethod} ${invocation.event.resource}`,
    key,
  ],
  request: invocation.input,
});

const storable = (result: APIGatewayProxyResult): StoredResponse => ({
  statusCode: result.statusCode,
  headers: Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]),
  ),
  body: result.body,
});

// The replay header is added when sending, never stored, so the first caller does not get it.
const markReplayed = (response: StoredResponse): StoredResponse => ({
  ...response,
  headers: { ...response.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' },
});

/** Turns what Powertools threw into the contract's answer. */
const answerFor = (
  error: unknown,
  outcome: Outcome | undefined,
  retryAfterSeconds: number,
): APIGatewayProxyResult => {
  if (error instanceof UnstoredResponse) {
    return error.response;
  }
  if (error instanceof IdempotencyValidationError) {
    throw new IdempotencyKeyReusedError();
  }
  if (
    error instanceof IdempotencyAlreadyInProgressError ||
    // The record changed under Powertools' feet (expired, or removed by a failing first request)
    // more often than it retries: a retry a moment later sees a settled record.
    error instanceof IdempotencyInconsistentStateError ||
    error instanceof IdempotencyItemNotFoundError
  ) {
    throw new RequestInProgressError(retryAfterSeconds);
  }
  if (error instanceof IdempotencyPersistenceLayerError) {
    if (outcome === undefined) {
      // Nothing ran: the client may safely try again.
      throw new ServiceUnavailableError('The idempotency store is unavailable', retryAfterSeconds, error);
    }
    // The handler ran but its record could not be completed or removed: it stays "in progress" until
    // the invocation's time is up, then the key is free again. The client still gets the real answer.
    logger.error('Idempotency record left in progress after the handler ran', { error });
    if (outcome.kind === 'threw') {
      throw outcome.error;
    }
    return outcome.response;
  }
  throw error;
};
