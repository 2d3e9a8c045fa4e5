import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import fixture from '../fixtures/api-gateway-proxy-event.json';

/** A fresh copy of the recorded API Gateway REST event, so tests can change it freely. */
export const recordedEvent = (): APIGatewayProxyEvent =>
  structuredClone(fixture) as unknown as APIGatewayProxyEvent;

/** A minimal REST event: no headers, no claims, no body. */
export const httpEvent = (overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent => {
  const event = recordedEvent();
  return {
    ...event,
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    body: null,
    requestContext: { ...event.requestContext, authorizer: null },
    ...overrides,
  };
};

/** The REST event of a caller whose ID token carries these claims. */
export const withClaims = (
  claims: Record<string, unknown> | null,
  event = httpEvent(),
): APIGatewayProxyEvent => ({
  ...event,
  requestContext: { ...event.requestContext, authorizer: claims === null ? null : { claims } },
});

export const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'shop-catalog-dev-adjustStock',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shop-catalog-dev-adjustStock',
  memoryLimitInMB: '256',
  awsRequestId: '7e2d1c0b-aaaa-4bbb-8ccc-0123456789ab',
  logGroupName: '/aws/lambda/shop-catalog-dev-adjustStock',
  logStreamName: '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
  getRemainingTimeInMillis: () => 29_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});
