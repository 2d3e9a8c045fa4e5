import { randomUUID } from 'node:crypto';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, memoryGroups, resetCustomers } from '../support/harness';

const harness = createHarness();
const { getMe } = harness.handlers(memoryGroups());
afterAll(() => harness.close());
beforeEach(() => resetCustomers(harness));

const me = (claims?: Record<string, unknown>) =>
  invoke<Record<string, unknown>>(getMe, { method: 'GET', path: '/me', ...(claims ? { claims } : {}) });

describe('GET /me', () => {
  it('returns the customer row and the groups of the token', async () => {
    const id = randomUUID();
    const createdAt = new Date('2026-11-26T10:00:00.000Z');
    await harness.db
      .insertInto('customers')
      .values({ id, email: 'jane.doe@example.com', name: 'Jane Doe', created_at: createdAt })
      .execute();

    const res = await me(claimsOf(id, ['customer'], 'Jane.Doe@Example.com'));

    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual({
      id,
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
      groups: ['customer'],
      createdAt: '2026-11-26T10:00:00.000Z',
    });
  });

  it('reads groups in the string form API Gateway REST sends', async () => {
    const id = randomUUID();
    await harness.db.insertInto('customers').values({ id, email: 'a@example.com', name: 'A' }).execute();

    const res = await me({ sub: id, 'cognito:groups': 'admin,customer' });

    expect(res.body.groups).toEqual(['admin', 'customer']);
  });

  it('answers 404 NOT_FOUND when the confirmation never created a row', async () => {
    const res = await me(claimsOf(randomUUID(), ['customer']));

    expect(res.statusCode).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Customer not found' } });
  });

  it('answers 404, not 500, for a sub that is not a UUID', async () => {
    const res = await me(claimsOf("1' or '1'='1", ['customer']));

    expect(res.statusCode).toBe(404);
  });

  it('answers 401 UNAUTHORIZED without a token', async () => {
    const res = await me();

    expect(res.statusCode).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Authentication required' } });
  });
});
