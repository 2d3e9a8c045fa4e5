import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headersOf } from './http-request';

/** The ids that tie a response to its log lines and to the work it caused downstream. */
export interface RequestIds {
  readonly requestId: string;
  readonly correlationId: string;
}

// Ids are echoed in a response header and written to logs, so only short printable ASCII is trusted.
const VALID_ID = /^[\x20-\x7E]{1,128}$/;

// One entry per event: the middlewares, the handler and the error path must see the same ids even
// when the request id had to be generated.
const idsByEvent = new WeakMap<object, RequestIds>();

/** Whether a client-sent id can be reused as is. */
export const isValidRequestId = (value: unknown): value is string =>
  typeof value === 'string' && VALID_ID.test(value);

/**
 * The request id is the client's `x-request-id` when valid, else API Gateway's request id, else a
 * fresh UUID; the correlation id is the client's `x-correlation-id` when valid, else the request id.
 */
export const requestIdsOf = (event: APIGatewayProxyEvent): RequestIds => {
  const known = idsByEvent.get(event);
  if (known) {
    return known;
  }
  const headers = headersOf(event);
  const requestId =
    trusted(headers['x-request-id']) ?? trusted(event.requestContext?.requestId) ?? randomUUID();
  const ids = Object.freeze({ requestId, correlationId: trusted(headers['x-correlation-id']) ?? requestId });
  idsByEvent.set(event, ids);
  return ids;
};

// Surrounding whitespace is not part of an HTTP header value.
const trusted = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return isValidRequestId(trimmed) ? trimmed : undefined;
};
