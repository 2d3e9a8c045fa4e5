import { NotFoundError, ServiceUnavailableError } from '@shop/domain';
import { describe, expect, it } from 'vitest';
import { createCustomerService } from '../../src/customer.service';
import { fakeGroups } from './support/fake-groups';
import { recordingDb } from './support/recording-db';

const sub = '7d1c3f6e-2b4a-4c8e-9f10-3a5b6c7d8e9f';
const row = {
  id: sub,
  email: 'jane.doe@example.com',
  name: 'Jane Doe',
  created_at: new Date('2026-11-26T10:00:00Z'),
};

describe('customer service: getMe', () => {
  it('maps the row to the contract and adds the caller groups, in one query', async () => {
    const { db, queries } = recordingDb({ rows: [row] });
    const service = createCustomerService({ db, groups: fakeGroups([]) });

    const me = await service.getMe({ sub, groups: ['customer'] });

    expect(me).toEqual({
      id: sub,
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
      createdAt: '2026-11-26T10:00:00.000Z',
      groups: ['customer'],
    });
    expect(queries).toHaveLength(1);
  });

  it('reports a missing row as NotFound', async () => {
    const service = createCustomerService({ db: recordingDb().db, groups: fakeGroups([]) });

    await expect(service.getMe({ sub, groups: [] })).rejects.toThrow(NotFoundError);
  });

  it('never sends a sub that is not a UUID to the database', async () => {
    const { db, queries } = recordingDb();
    const service = createCustomerService({ db, groups: fakeGroups([]) });

    await expect(service.getMe({ sub: "x' or '1'='1", groups: [] })).rejects.toThrow(NotFoundError);
    expect(queries).toEqual([]);
  });

  it('turns a database outage into ServiceUnavailable', async () => {
    const { db } = recordingDb();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const failing = db.withPlugin({
      transformQuery: () => {
        throw refused;
      },
      transformResult: async (args) => args.result,
    });
    const service = createCustomerService({ db: failing, groups: fakeGroups([]) });

    await expect(service.getMe({ sub, groups: [] })).rejects.toThrow(ServiceUnavailableError);
  });
});
