import { describe, expect, it } from 'vitest';
import { created, noContent, ok, toProxyResult, withHeader } from '../../src/http-response';

describe('response helpers', () => {
  it('builds a 200 with a body and optional headers', () => {
    expect(ok({ a: 1 }, { ETag: '"3"' })).toEqual({
      statusCode: 200,
      body: { a: 1 },
      headers: { ETag: '"3"' },
    });
  });

  it('builds a 201 that says where the new resource lives', () => {
    expect(created({ id: 'p-1' }, '/products/p-1')).toEqual({
      statusCode: 201,
      body: { id: 'p-1' },
      headers: { Location: '/products/p-1' },
    });
  });

  it('builds a 204 without a body', () => {
    expect(noContent()).toEqual({ statusCode: 204 });
  });
});

describe('toProxyResult', () => {
  it('serialises the body as JSON and labels it as UTF-8 JSON', () => {
    expect(toProxyResult(ok({ name: 'Red T-shirt' }))).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"name":"Red T-shirt"}',
    });
  });

  it('keeps the headers a handler set', () => {
    const result = toProxyResult(ok({}, { ETag: '"7"', 'Idempotent-Replayed': 'true' }));

    expect(result.headers).toMatchObject({ ETag: '"7"', 'Idempotent-Replayed': 'true' });
  });

  it('keeps a content type the handler chose', () => {
    const result = toProxyResult(ok({}, { 'Content-Type': 'application/problem+json' }));

    expect(result.headers).toEqual({ 'Content-Type': 'application/problem+json' });
  });

  it('sends a 204 with no body and no content type, even if the handler gave one', () => {
    expect(toProxyResult({ statusCode: 204, body: { ignored: true } })).toEqual({
      statusCode: 204,
      headers: {},
      body: '',
    });
  });
});

describe('withHeader', () => {
  it('replaces any spelling of the header', () => {
    const result = withHeader(
      { statusCode: 200, body: '', headers: { 'X-Request-Id': 'old' } },
      'x-request-id',
      'new',
    );

    expect(result.headers).toEqual({ 'x-request-id': 'new' });
  });
});
