import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headersOf } from './http-request';

/** The ids that tie a response to its log lines and to the work it caused downstream. */
export interface RequestIds {
  /** API Gateway's id of the request (a fresh UUID without one): ours, never the client's. */
  readonly requestId: string;
  readonly correlationId: string;
  /** The client's own `x-request-id`, when it sent a valid one: logged beside ours, never instead. */
  readonly clientRequestId?: string;
}

// Client ids are written to logs (and correlation ids to events), so only short printable ASCII is kept.
const VALID_ID = /^[\x20-\x7E]{1,128}$/;

// One entry per event: the middlewares, the handler and the error path must see the same ids even
// when the request id had to be generated.
const idsByEvent = new WeakMap<object, RequestIds>();

/** Whether a client-sent id may be kept: 1 to 128 printable ASCII characters. */
export const isValidRequestId = (value: unknown): value is string =>
  typeof value === 'string' && VALID_ID.test(value);

/**
 * The request id is API Gateway's (`requestContext.requestId`), else a fresh UUID: a client cannot
 * choose the id that the logs and the `x-request-id` response header carry. A valid `x-request-id`
 * from the client is kept apart as `clientRequestId`. The correlation id is the client's
 * `x-correlation-id` when valid, else the request id.
 */
export const requestIdsOf = (event: APIGatewayProxyEvent): RequestIds => {
  const known = idsByEvent.get(event);
  if (known) {
    return known;
  }
  const headers = headersOf(event);
  const requestId = trusted(event.requestContext?.requestId) ?? randomUUID();
  const correlationId = trusted(headers['x-correlation-id']) ?? requestId;
  const clientRequestId = trusted(headers['x-request-id']);
  const ids: RequestIds = Object.freeze(
    clientRequestId === undefined
      ? { requestId, correlationId }
      : { requestId, correlationId, clientRequestId },
  );
  idsByEvent.set(event, ids);
  return ids;
};

// Surrounding whitespace is not part of an HTTP header value.
const trusted = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return isValidRequestId(trimmed) ? trimmed : undefined;
};
