import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mapError } from './error.mapper';
import { toProxyResult } from './http-response';

/**
 * Turns any error thrown by the handler or a middleware into the contract's error response. The
 * response is set rather than returned so the observability middlewares' own error hooks still run
 * (flush metrics, close the trace, reset log keys). An unexpected error is logged here, once, with
 * its cause (Powertools formats an Error's name, message, stack and cause); the client only learns
 * that something went wrong.
 */
export const httpErrorMiddleware = (
  log: Logger,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: (request) => {
    if (request.response !== undefined) {
      return;
    }
    const mapped = mapError(request.error);
    if (mapped.body.error.code === 'INTERNAL') {
      log.error('Unhandled error', { error: request.error });
    } else if (mapped.statusCode >= 500) {
      log.warn(mapped.body.error.message, { error: request.error });
    }
    request.response = toProxyResult(mapped);
  },
});
