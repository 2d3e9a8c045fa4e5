/**
 * Test helpers for services built with the kit: API Gateway REST events as API Gateway (and
 * serverless-offline) deliver them, and a one-call `invoke` that returns the parsed response.
 * Test-only: import from `@shop/lambda-kit/testing`, never from function code.
 * @packageDocumentation
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export interface ApiRequest {
  readonly method: string;
  /** The request path, e.g. `/products/6f1c...`. */
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** A string is sent as is (for malformed JSON); anything else is JSON-encoded. */
  readonly body?: unknown;
  /** Claims of the caller's ID token as the Cognito authorizer passes them; absent = anonymous. */
  readonly claims?: Record<string, unknown>;
}

export interface ApiResponse<T = unknown> {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: T;
  readonly rawBody: string;
}

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

let sequence = 0;

export const apiGatewayEvent = (request: ApiRequest): APIGatewayProxyEvent => {
  sequence += 1;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...request.headers };
  const body =
    request.body === undefined
      ? null
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  return {
    resource: request.path,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: request.query ?? null,
    multiValueQueryStringParameters: request.query
      ? Object.fromEntries(Object.entries(request.query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'testapi',
      authorizer: request.claims ? { claims: request.claims } : null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        sourceIp: '127.0.0.1',
        userAgent: 'vitest',
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: request.path,
      stage: 'test',
      requestId: `test-request-${sequence}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'test',
      resourcePath: request.path,
    },
  };
};

export const lambdaContext = (functionName = 'shop-test-function'): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: `aws-request-${sequence}`,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** One response a test saw, as `recordResponse` writes it for the contract check. */
export interface RecordedResponse {
  readonly method: string;
  /** The concrete path, without the query string. */
  readonly path: string;
  readonly status: number;
  /** Lower-cased names. */
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The test project that saw it (SHOP_RECORD_RESPONSES), for messages and coverage. */
  readonly seenBy: string;
}

/**
 * Appends a response to `$SHOP_RESPONSE_LOG_DIR/<pid>.jsonl` when the suite records responses
 * (`npm test` sets the directory; projects that call the API's routes name themselves in
 * SHOP_RECORD_RESPONSES):
 * tests/contract then checks every recorded response against the OpenAPI document.
 */
export const recordResponse = (response: Omit<RecordedResponse, 'seenBy'>): void => {
  const dir = process.env.SHOP_RESPONSE_LOG_DIR;
  const seenBy = process.env.SHOP_RECORD_RESPONSES;
  if (!dir || !seenBy) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify({ ...response, seenBy })}\n`);
};

/** The path as a client sends it: path parameters URL-encoded (a `/` in an id stays in its segment). */
const clientPath = (request: ApiRequest): string =>
  Object.values(request.pathParameters ?? {}).reduce(
    (path, value) => path.replace(value, encodeURIComponent(value.toWellFormed())),
    request.path,
  );

/** Calls a handler the way Lambda would and parses its JSON body. */
export const invoke = async <T = unknown>(handler: Handler, request: ApiRequest): Promise<ApiResponse<T>> => {
  const result = await handler(apiGatewayEvent(request), lambdaContext());
  const rawBody = result.body ?? '';
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  recordResponse({
    method: request.method,
    path: clientPath(request),
    status: result.statusCode,
    headers,
    body: rawBody,
  });
  return {
    statusCode: result.statusCode,
    headers,
    body: (rawBody === '' ? undefined : JSON.parse(rawBody)) as T,
    rawBody,
  };
};

/** ID-token claims of test callers, in the array form serverless-offline passes. */
export const claimsOf = (sub: string, groups: readonly string[], email = `${sub}@example.com`) => ({
  sub,
  email,
  'cognito:groups': [...groups],
  token_use: 'id',
});
