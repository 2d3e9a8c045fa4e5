import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { withHeader } from './http-response';
import { requestIdsOf } from './request-id';

type HttpRequestState = Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * Puts `requestId`, `correlationId` and, when the client sent one, `clientRequestId` on every log
 * line of the invocation, and `x-request-id` (API Gateway's id, never the client's) on every
 * response, including error responses. The log keys are removed by Powertools'
 * `injectLambdaContext({ resetKeys: true })`, which runs last, so even the outermost middlewares'
 * log lines still carry them.
 */
export const requestIdMiddleware = (
  log: Logger,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  before: ({ event }) => {
    log.appendKeys({ ...requestIdsOf(event) });
  },
  after: stampRequestId,
  onError: stampRequestId,
});

const stampRequestId = (request: HttpRequestState): void => {
  if (request.response) {
    request.response = withHeader(request.response, 'x-request-id', requestIdsOf(request.event).requestId);
  }
};
