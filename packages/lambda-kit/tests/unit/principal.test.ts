import { describe, expect, it } from 'vitest';
import { parseGroupsClaim, principalFromEvent } from '../../src/principal';
import { recordedEvent, withClaims } from './support/lambda';

describe('parseGroupsClaim', () => {
  it.each([
    ['a JSON array, as serverless-offline passes it', ['admin', 'customer'], ['admin', 'customer']],
    ['a comma-separated string', 'admin,customer', ['admin', 'customer']],
    ['a comma-separated string with spaces', ' admin , customer ', ['admin', 'customer']],
    ['a bracketed list, as API Gateway REST passes it', '[admin customer]', ['admin', 'customer']],
    ['a bracketed single group', '[admin]', ['admin']],
    ['a JSON array sent as a string', '["admin","customer"]', ['admin', 'customer']],
    ['a single group', 'customer', ['customer']],
  ])('reads %s', (_form, raw, expected) => {
    // Act
    const groups = parseGroupsClaim(raw);

    // Assess
    expect(groups).toEqual(expected);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
    ['an empty bracketed list', '[]'],
    ['an empty array', []],
    ['a number', 42],
    ['an object', { admin: true }],
  ])('reads %s as no groups', (_form, raw) => {
    expect(parseGroupsClaim(raw)).toEqual([]);
  });

  it('drops duplicates and values that are not strings', () => {
    expect(parseGroupsClaim(['admin', 7, 'admin', null, 'customer'])).toEqual(['admin', 'customer']);
  });
});

describe('principalFromEvent', () => {
  it('builds the caller from API Gateway REST claims', () => {
    // Prepare
    const event = recordedEvent();

    // Act
    const principal = principalFromEvent(event);

    // Assess
    expect(principal).toEqual({
      sub: '0b4f9a8e-3c2d-4e1f-8a7b-6c5d4e3f2a1b',
      email: 'ops@example.com',
      groups: ['admin', 'customer'],
    });
  });

  it('builds the caller from serverless-offline claims, whose groups are an array', () => {
    const event = withClaims({ sub: 'user-1', email: 'a@example.com', 'cognito:groups': ['customer'] });

    expect(principalFromEvent(event)).toEqual({
      sub: 'user-1',
      email: 'a@example.com',
      groups: ['customer'],
    });
  });

  it('leaves email undefined and groups empty when the token has neither', () => {
    expect(principalFromEvent(withClaims({ sub: 'user-1' }))).toEqual({
      sub: 'user-1',
      email: undefined,
      groups: [],
    });
  });

  it('returns null when serverless-offline passes null claims for a request without a token', () => {
    expect(principalFromEvent(withClaims(null))).toBeNull();
  });

  it.each([
    ['no authorizer', null],
    ['claims without sub', { email: 'a@example.com', 'cognito:groups': 'admin' }],
    ['an empty sub', { sub: '  ' }],
    ['a sub that is not a string', { sub: 12 }],
  ])('returns null for %s', (_case, claims) => {
    expect(principalFromEvent(withClaims(claims))).toBeNull();
  });

  it('returns a caller that handlers cannot modify', () => {
    const principal = principalFromEvent(withClaims({ sub: 'user-1', 'cognito:groups': 'customer' }));

    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal?.groups)).toBe(true);
  });
});
