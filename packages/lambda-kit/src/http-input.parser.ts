import { ValidationError } from '@shop/domain';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseWith, type Schema } from './schema';

/** The schemas a route validates its input with; a part without a schema is ignored. */
export interface InputSchemas<B, Q, P> {
  readonly body?: Schema<B> | undefined;
  readonly query?: Schema<Q> | undefined;
  readonly path?: Schema<P> | undefined;
}

export interface ParsedInput<B, Q, P> {
  readonly body: B;
  readonly query: Q;
  readonly path: P;
}

const NOTHING = Object.freeze({});

/**
 * Validates path, then query, then body, and reports the first part that fails. Path and query values
 * arrive as strings, so their schemas coerce.
 */
export const parseInput = <B, Q, P>(
  schemas: InputSchemas<B, Q, P>,
  event: APIGatewayProxyEvent,
): ParsedInput<B, Q, P> => {
  const path = schemas.path
    ? parseWith(schemas.path, event.pathParameters ?? {}, 'Invalid path parameters')
    : (NOTHING as P);
  const query = schemas.query
    ? parseWith(schemas.query, event.queryStringParameters ?? {}, 'Invalid query parameters')
    : (NOTHING as Q);
  const body = schemas.body
    ? parseWith(schemas.body, readJsonBody(event), 'Invalid request body')
    : (undefined as B);
  return { body, query, path };
};

/** The body as JSON; a missing, blank or malformed body is a 400 that does not echo the parser's words. */
export const readJsonBody = (event: APIGatewayProxyEvent): unknown => {
  const text = rawBody(event);
  if (text.trim() === '') {
    throw new ValidationError('Request body is required');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('Request body is not valid JSON');
  }
};

const rawBody = (event: APIGatewayProxyEvent): string => {
  if (event.body === null || event.body === undefined) {
    return '';
  }
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
};
