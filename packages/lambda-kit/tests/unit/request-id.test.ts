import { describe, expect, it } from 'vitest';
import { requestIdsOf } from '../../src/request-id';
import { httpEvent } from './support/lambda';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const eventWith = (headers: Record<string, string>, apiGatewayRequestId = 'apigw-request-1') => {
  const event = httpEvent({ headers });
  return { ...event, requestContext: { ...event.requestContext, requestId: apiGatewayRequestId } };
};

describe('requestIdsOf', () => {
  it('takes a valid x-request-id header, whatever its case', () => {
    // Prepare
    const event = eventWith({ 'X-Request-Id': 'client-req-42' });

    // Act
    const ids = requestIdsOf(event);

    // Assess
    expect(ids).toEqual({ requestId: 'client-req-42', correlationId: 'client-req-42' });
  });

  it('accepts an id of exactly 128 printable characters', () => {
    const id = `${'a'.repeat(127)}~`;

    expect(requestIdsOf(eventWith({ 'x-request-id': id })).requestId).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['longer than 128 characters', 'a'.repeat(129)],
    ['not ASCII', 'réquest'],
    ['a control character', 'abc\u0007def'],
    ['a line break', 'abc\r\nset-cookie: x'],
  ])('falls back to the API Gateway request id when x-request-id is %s', (_case, value) => {
    expect(requestIdsOf(eventWith({ 'x-request-id': value })).requestId).toBe('apigw-request-1');
  });

  it('generates a UUID when there is neither a header nor an API Gateway request id', () => {
    const ids = requestIdsOf(eventWith({}, ''));

    expect(ids.requestId).toMatch(UUID);
    expect(ids.correlationId).toBe(ids.requestId);
  });

  it('returns the same generated id every time it is asked about the same event', () => {
    const event = eventWith({}, '');

    expect(requestIdsOf(event)).toBe(requestIdsOf(event));
  });

  it('takes the correlation id from x-correlation-id', () => {
    const ids = requestIdsOf(eventWith({ 'X-Correlation-Id': 'checkout-7' }));

    expect(ids).toEqual({ requestId: 'apigw-request-1', correlationId: 'checkout-7' });
  });

  it('uses the request id as correlation id when x-correlation-id is invalid', () => {
    const ids = requestIdsOf(eventWith({ 'x-request-id': 'req-1', 'x-correlation-id': 'x'.repeat(200) }));

    expect(ids.correlationId).toBe('req-1');
  });
});
