import type { APIGatewayProxyResult } from 'aws-lambda';

/** What a handler returns; the kit serialises `body` as JSON. */
export interface HttpResponse {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** 200 with a JSON body. */
export const ok = (body: unknown, headers?: Record<string, string>): HttpResponse => ({
  statusCode: 200,
  body,
  ...(headers ? { headers } : {}),
});

/** 201 with the created resource and where to find it. */
export const created = (body: unknown, location: string, headers?: Record<string, string>): HttpResponse => ({
  statusCode: 201,
  body,
  headers: { ...headers, Location: location },
});

/** 204: done, nothing to say. */
export const noContent = (headers?: Record<string, string>): HttpResponse => ({
  statusCode: 204,
  ...(headers ? { headers } : {}),
});

/**
 * The API Gateway shape of a response. A 204 never has a body; any other body is JSON, labelled as
 * such unless the handler chose its own content type.
 */
export const toProxyResult = (response: HttpResponse): APIGatewayProxyResult => {
  const headers: Record<string, string> = { ...response.headers };
  if (response.statusCode === 204 || response.body === undefined) {
    return { statusCode: response.statusCode, headers, body: '' };
  }
  if (!hasHeader(headers, 'content-type')) {
    headers['content-type'] = JSON_CONTENT_TYPE;
  }
  return { statusCode: response.statusCode, headers, body: JSON.stringify(response.body) };
};

/** Sets a header, replacing any spelling of the same name the handler may have used. */
export const withHeader = (
  result: APIGatewayProxyResult,
  name: string,
  value: string,
): APIGatewayProxyResult => {
  const headers: Record<string, string | number | boolean> = {};
  for (const [key, existing] of Object.entries(result.headers ?? {})) {
    if (key.toLowerCase() !== name.toLowerCase()) {
      headers[key] = existing;
    }
  }
  headers[name] = value;
  return { ...result, headers };
};

const hasHeader = (headers: Record<string, string>, name: string): boolean =>
  Object.keys(headers).some((key) => key.toLowerCase() === name);
