// The OpenAPI document is checked, not trusted: it is up to date with the schemas, a validator
// accepts it, and its routes are exactly the ones the services deploy (their serverless.yml).
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { safeParse } from 'zod/v4/core';
import { buildOpenApiDocument, REQUEST_EXAMPLES } from '../../src/openapi';
import { OPENAPI_FILE, renderOpenApiFile } from '../../src/openapi.file';
import { ROUTES } from '../../src/routes';

const SERVICES = ['catalog', 'orders', 'auth-hooks'];

/** `GET /products/{id}` for every http event of the services' serverless.yml, with its authorizer or not. */
const deployedRoutes = () =>
  SERVICES.flatMap((service) => {
    const text = readFileSync(
      new URL(`../../../../services/${service}/serverless.yml`, import.meta.url),
      'utf8',
    );
    const config = parse(text, { logLevel: 'silent' }) as {
      functions: Record<
        string,
        { events?: { http?: { path: string; method: string; authorizer?: unknown } }[] }
      >;
    };
    return Object.values(config.functions).flatMap((fn) =>
      (fn.events ?? [])
        .filter((event) => event.http)
        .map(({ http }) => ({
          route: `${http!.method.toUpperCase()} /${http!.path}`,
          protected: http!.authorizer !== undefined,
        })),
    );
  });

describe('the OpenAPI document', () => {
  it('is up to date with the schemas (run `pnpm openapi` after changing them)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApiFile());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const document = buildOpenApiDocument();
    expect(document.openapi).toMatch(/^3\.1\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
  });

  it('describes exactly the routes the services deploy, protected exactly where they have an authorizer', () => {
    const deployed = deployedRoutes()
      .map((r) => `${r.route} ${r.protected ? 'token' : 'public'}`)
      .sort();
    const documented = ROUTES.map(
      (r) => `${r.method.toUpperCase()} ${r.path} ${r.access === 'public' ? 'public' : 'token'}`,
    ).sort();
    expect(documented).toEqual(deployed);
  });

  it('shows request examples that the routes accept', () => {
    for (const route of ROUTES.filter((r) => r.body)) {
      const example = REQUEST_EXAMPLES[route.operationId];
      expect(example, `an example for ${route.operationId}`).toBeDefined();
      expect(safeParse(route.body!, example).success, route.operationId).toBe(true);
    }
  });

  it('documents every error a route can give with the contract error body', () => {
    const document = buildOpenApiDocument() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const placeOrder = document.paths['/orders']!.post!.responses;
    expect(Object.keys(placeOrder).sort()).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '422',
      '429',
      '500',
      '503',
    ]);
    expect(Object.keys(document.paths['/health']!.get!.responses).sort()).toEqual([
      '200',
      '401',
      '500',
      '503',
    ]);
  });
});
