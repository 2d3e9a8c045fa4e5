// GET /me with a fake service: the handler is only an adapter from HTTP to one use case.
import { type Me, NotFoundError, ServiceUnavailableError } from '@shop/domain';
import { claimsOf, invoke } from '@shop/lambda-kit/testing';
import { describe, expect, it, vi } from 'vitest';
import type { CustomerService } from '../../src/customer.service';
import { getMeHandler } from '../../src/handlers/get-me';
import { spyOnLogs } from '../support/logs';

const sub = '7d1c3f6e-2b4a-4c8e-9f10-3a5b6c7d8e9f';
const logs = spyOnLogs();
const me: Me = {
  id: sub,
  email: 'jane.doe@example.com',
  name: 'Jane Doe',
  groups: ['customer'],
  createdAt: '2026-11-26T10:00:00.000Z',
};

const fakeService = (getMe: CustomerService['getMe']) =>
  (() => ({ getMe }) as unknown as CustomerService) as () => CustomerService;

const getMe = (claims?: Record<string, unknown>, service = fakeService(vi.fn().mockResolvedValue(me))) =>
  invoke(getMeHandler(service), { method: 'GET', path: '/me', ...(claims ? { claims } : {}) });

describe('GET /me', () => {
  it('answers 200 with exactly the contract fields', async () => {
    const res = await getMe(claimsOf(sub, ['customer']));

    expect(res.statusCode).toBe(200);
    expect(res.body).toEqual(me);
    expect(Object.keys(res.body as object)).toEqual(['id', 'email', 'name', 'groups', 'createdAt']);
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('passes the caller and the groups of every claim shape to the service', async () => {
    const service = vi.fn().mockResolvedValue(me);

    await getMe({ sub, 'cognito:groups': '[admin customer]' }, fakeService(service));

    expect(service).toHaveBeenCalledWith(expect.objectContaining({ sub, groups: ['admin', 'customer'] }));
  });

  it('lets a signed-in user without groups in', async () => {
    const res = await getMe({ sub, token_use: 'id' });

    expect(res.statusCode).toBe(200);
  });

  it('answers 401 UNAUTHORIZED to an anonymous caller without asking the service', async () => {
    const service = vi.fn();

    const res = await getMe(undefined, fakeService(service));

    expect(res.statusCode).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Authentication required' } });
    expect(service).not.toHaveBeenCalled();
  });

  it('answers 404 NOT_FOUND when there is no customer row', async () => {
    const res = await getMe(
      claimsOf(sub, ['customer']),
      fakeService(vi.fn().mockRejectedValue(new NotFoundError('Customer'))),
    );

    expect(res.statusCode).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Customer not found' } });
  });

  it('answers 503 with Retry-After when the database is down', async () => {
    const down = new ServiceUnavailableError('Customer profiles are unavailable', 2);

    const res = await getMe(claimsOf(sub, ['customer']), fakeService(vi.fn().mockRejectedValue(down)));

    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('answers a generic 500 that reveals nothing for anything unexpected', async () => {
    const boom = new Error('relation "customers" does not exist');

    const res = await getMe(claimsOf(sub, ['customer']), fakeService(vi.fn().mockRejectedValue(boom)));

    expect(res.statusCode).toBe(500);
    expect(res.rawBody).not.toMatch(/customers/);
    expect(logs.error).toHaveBeenCalledOnce();
  });
});
