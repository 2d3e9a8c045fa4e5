import { ValidationError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseInput, readJsonBody } from '../../src/http-input.parser';
import { httpEvent } from './support/lambda';

const catchError = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
};

const body = z.strictObject({ delta: z.number().int(), reason: z.enum(['restock', 'damage']) });

describe('readJsonBody', () => {
  it('parses a JSON body', () => {
    expect(readJsonBody(httpEvent({ body: '{"delta":1}' }))).toEqual({ delta: 1 });
  });

  it('decodes a base64-encoded body first', () => {
    const event = httpEvent({ body: Buffer.from('{"delta":2}').toString('base64'), isBase64Encoded: true });

    expect(readJsonBody(event)).toEqual({ delta: 2 });
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['blank', ' \n '],
  ])('rejects a %s body with 400', (_case, raw) => {
    const error = catchError(() => readJsonBody(httpEvent({ body: raw })));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Request body is required' });
  });

  it('rejects malformed JSON with 400 and without the parser message', () => {
    const error = catchError(() => readJsonBody(httpEvent({ body: '{"delta": 1,' })));

    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Request body is not valid JSON' });
    expect((error as Error).message).not.toMatch(/position|token|Unexpected/i);
  });
});

describe('parseInput', () => {
  it('validates path, query and body and returns the parsed values', () => {
    // Prepare
    const schemas = {
      path: z.strictObject({ id: z.uuid() }),
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
      body,
    };
    const event = httpEvent({
      pathParameters: { id: '4f7c1a52-8d0e-4c1b-9a51-2f6f0c7d9e10' },
      queryStringParameters: { limit: '5' },
      body: '{"delta":-2,"reason":"damage"}',
    });

    // Act
    const input = parseInput(schemas, event);

    // Assess
    expect(input).toEqual({
      path: { id: '4f7c1a52-8d0e-4c1b-9a51-2f6f0c7d9e10' },
      query: { limit: 5 },
      body: { delta: -2, reason: 'damage' },
    });
  });

  it('validates absent query parameters as an empty object', () => {
    const query = z.strictObject({ limit: z.coerce.number().default(20) });

    expect(parseInput({ query }, httpEvent({ queryStringParameters: null })).query).toEqual({ limit: 20 });
  });

  it('ignores the body, query and path of a route that declares no schemas', () => {
    const event = httpEvent({
      body: 'not json',
      queryStringParameters: { a: '1' },
      pathParameters: { id: 'x' },
    });

    expect(parseInput({}, event)).toEqual({ body: undefined, query: {}, path: {} });
  });

  it.each([
    ['path', { pathParameters: { id: 'not-a-uuid' } }, 'Invalid path parameters', 'id'],
    ['query', { queryStringParameters: { limit: '500' } }, 'Invalid query parameters', 'limit'],
    ['body', { body: '{"delta":1,"reason":"gift"}' }, 'Invalid request body', 'reason'],
  ])('names the invalid part (%s) and the field', (_part, overrides, message, path) => {
    // Prepare
    const schemas = {
      path: z.strictObject({ id: z.uuid() }).partial(),
      query: z.strictObject({ limit: z.coerce.number().max(100) }).partial(),
      body: body.partial(),
    };

    // Act
    const error = catchError(() => parseInput(schemas, httpEvent({ body: '{}', ...overrides })));

    // Assess
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message, details: [{ path }] });
  });
});
