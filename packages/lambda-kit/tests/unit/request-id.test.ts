import { describe, expect, it } from 'vitest';
import { requestIdsOf } from '../../src/request-id';
import { httpEvent } from './support/lambda';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const eventWith = (headers: Record<string, string>, apiGatewayRequestId = 'apigw-request-1') => {
  const event = httpEvent({ headers });
  return { ...event, requestContext: { ...event.requestContext, requestId: apiGatewayRequestId } };
};

describe('requestIdsOf', () => {
  it('takes API Gateway’s request id and keeps a valid client x-request-id apart, whatever its case', () => {
    // Prepare
    const event = eventWith({ 'X-Request-Id': 'client-req-42' });

    // Act
    const ids = requestIdsOf(event);

    // Assess
    expect(ids).toEqual({
      requestId: 'apigw-request-1',
      correlationId: 'apigw-request-1',
      clientRequestId: 'client-req-42',
    });
  });

  it('has no client request id when the client sent none', () => {
    const ids = requestIdsOf(eventWith({}));

    expect(ids).toEqual({ requestId: 'apigw-request-1', correlationId: 'apigw-request-1' });
    expect(ids).not.toHaveProperty('clientRequestId');
  });

  it('keeps a client id of exactly 128 printable characters, trimmed of surrounding spaces', () => {
    const id = `${'a'.repeat(127)}~`;

    expect(requestIdsOf(eventWith({ 'x-request-id': `  ${id} ` })).clientRequestId).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['longer than 128 characters', 'a'.repeat(129)],
    ['not ASCII', 'réquest'],
    ['a control character', 'abc\u0007def'],
    ['a line break', 'abc\r\nset-cookie: x'],
  ])('drops a client x-request-id that is %s, and still uses API Gateway’s id', (_case, value) => {
    const ids = requestIdsOf(eventWith({ 'x-request-id': value }));

    expect(ids).toEqual({ requestId: 'apigw-request-1', correlationId: 'apigw-request-1' });
  });

  it('generates a UUID when API Gateway gave no request id, even when the client sent one', () => {
    const ids = requestIdsOf(eventWith({ 'x-request-id': 'client-chosen' }, ''));

    expect(ids.requestId).toMatch(UUID);
    expect(ids.correlationId).toBe(ids.requestId);
    expect(ids.clientRequestId).toBe('client-chosen');
  });

  it('returns the same generated id every time it is asked about the same event', () => {
    const event = eventWith({}, '');

    expect(requestIdsOf(event)).toBe(requestIdsOf(event));
  });

  it('takes the correlation id from x-correlation-id', () => {
    const ids = requestIdsOf(eventWith({ 'X-Correlation-Id': 'checkout-7' }));

    expect(ids).toEqual({ requestId: 'apigw-request-1', correlationId: 'checkout-7' });
  });

  it('uses API Gateway’s request id as correlation id when x-correlation-id is invalid', () => {
    const ids = requestIdsOf(eventWith({ 'x-request-id': 'req-1', 'x-correlation-id': 'x'.repeat(200) }));

    expect(ids.correlationId).toBe('apigw-request-1');
  });
});
