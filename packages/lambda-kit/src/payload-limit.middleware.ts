import type { MiddlewareObj } from '@middy/core';
import { DomainError } from '@shop/domain';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The largest request body the API accepts, in bytes (1 MiB). */
export const MAX_BODY_BYTES = 1_048_576;

/** The size of the body as sent, base64 decoded when API Gateway encoded it. */
export const bodyByteLength = (event: APIGatewayProxyEvent): number => {
  if (event.body === null || event.body === undefined) {
    return 0;
  }
  // Node computes the decoded size of base64 text without decoding it.
  return Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
};

/** Rejects an oversized body with 413 before anything spends time parsing it. */
export const payloadLimitMiddleware = (): MiddlewareObj<APIGatewayProxyEvent> => ({
  before: ({ event }) => {
    if (bodyByteLength(event) > MAX_BODY_BYTES) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `Request body must not exceed ${MAX_BODY_BYTES} bytes`);
    }
  },
});
