// Every response the integration and e2e suites saw (recorded by `invoke` and the e2e `callApi`
// under `npm test`) against the OpenAPI document: a documented route and status, the body's
// schema, the promised headers. And the other way round: every documented route was exercised.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedResponse } from '@shop/lambda-kit/testing';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../packages/contracts/src/openapi';

type JsonObject = Record<string, unknown>;
interface Operation {
  operationId: string;
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: { 'application/json': { schema: { $ref: string } } } }
  >;
}

const document = buildOpenApiDocument() as {
  paths: Record<string, Record<string, Operation>>;
  components: JsonObject;
};
const DOC_ID = 'https://shop.local/openapi.json';
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: DOC_ID, components: document.components });

const operations = Object.entries(document.paths).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operation,
  })),
);

const recorded = (): RecordedResponse[] => {
  const dir = process.env.SHOP_RESPONSE_LOG_DIR;
  if (!dir) throw new Error('SHOP_RESPONSE_LOG_DIR is not set: this check runs last in `npm test`');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as RecordedResponse),
    );
};

const responses = recorded();
const problems: string[] = [];
const exercised = new Set<string>();

for (const response of responses) {
  const where = `${response.method} ${response.path} -> ${response.status} (seen by ${response.seenBy})`;
  const match = operations.find((op) => op.method === response.method && op.pattern.test(response.path));
  if (!match) {
    problems.push(`${where}: no documented route`);
    continue;
  }
  const documented = match.operation.responses[String(response.status)];
  if (!documented) {
    problems.push(`${where}: status not documented for ${match.operation.operationId}`);
    continue;
  }
  if (response.status < 300) exercised.add(match.operation.operationId);
  for (const header of [
    'x-request-id',
    ...(response.status === 429 || response.status === 503 ? ['retry-after'] : []),
  ]) {
    if (response.headers[header] === undefined) problems.push(`${where}: no ${header} header`);
  }
  for (const header of Object.keys(documented.headers ?? {})) {
    const name = header.toLowerCase();
    // Promised on every such response; Idempotent-Replayed and a 409's Retry-After only sometimes.
    if ((name === 'etag' || name === 'location') && response.headers[name] === undefined) {
      problems.push(`${where}: no ${header} header`);
    }
  }
  const schemaRef = documented.content?.['application/json'].schema.$ref;
  if (!schemaRef) {
    if (response.body !== '') problems.push(`${where}: a body where the document has none`);
    continue;
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    problems.push(`${where}: body is not JSON`);
    continue;
  }
  const validate = ajv.getSchema(`${DOC_ID}${schemaRef}`);
  if (!validate) throw new Error(`the document has no schema ${schemaRef}`);
  if (!validate(body)) {
    problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${response.body.slice(0, 300)}`);
  }
}

describe('every response the suites saw matches the OpenAPI document', () => {
  it('saw responses from the integration and e2e suites', () => {
    expect(responses.length).toBeGreaterThan(100);
    expect(new Set(responses.map((r) => r.seenBy))).toEqual(
      new Set(['catalog:integration', 'orders:integration', 'auth-hooks:integration', 'e2e']),
    );
  });

  it('has a documented route, status, body and headers for each', () => {
    expect(problems.slice(0, 30), `${problems.length} problems`).toEqual([]);
  });

  it('exercised every documented route with a successful call', () => {
    const never = operations.map((op) => op.operation.operationId).filter((id) => !exercised.has(id));
    expect(never).toEqual([]);
  });
});
