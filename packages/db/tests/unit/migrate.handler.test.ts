import { describe, expect, test } from 'vitest';
import {
  type CustomResourceEvent,
  type CustomResourceResponse,
  handleMigrate,
  type MigrateDependencies,
  masterUrlFromSecret,
} from '../../src/migrate.handler';

const event = (RequestType: CustomResourceEvent['RequestType']): CustomResourceEvent => ({
  RequestType,
  ResponseURL: 'https://cloudformation-response.example/presigned',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/shop-migrate-dev/1',
  RequestId: 'request-1',
  LogicalResourceId: 'Migrations',
});

/** Dependencies that record what the handler did; `migrate` behaves as given. */
const recording = (migrate: MigrateDependencies['migrate']) => {
  const calls = { urls: [] as string[], responses: [] as CustomResourceResponse[] };
  const deps: MigrateDependencies = {
    databaseUrl: async () => 'postgres://shop_admin:pw@writer:5432/shop',
    migrate: async (url) => {
      calls.urls.push(url);
      return migrate(url);
    },
    respond: async (_event, response) => {
      calls.responses.push(response);
    },
  };
  return { deps, calls };
};

describe('handleMigrate', () => {
  test('applies pending migrations on Create and Update and answers SUCCESS with their names', async () => {
    for (const type of ['Create', 'Update'] as const) {
      const { deps, calls } = recording(async () => ['2026-11-27T0006_service_users']);

      await handleMigrate(event(type), deps);

      expect(calls.urls).toEqual(['postgres://shop_admin:pw@writer:5432/shop']);
      expect(calls.responses).toEqual([
        expect.objectContaining({ Status: 'SUCCESS', Data: { Applied: '2026-11-27T0006_service_users' } }),
      ]);
    }
  });

  test('answers FAILED with the cause when a migration fails, so the deploy stops before the services', async () => {
    const { deps, calls } = recording(async () => {
      throw new Error('migration 2026-12-02T0007_customer_limits failed', {
        cause: new Error('syntax error'),
      });
    });

    await handleMigrate(event('Update'), deps);

    expect(calls.responses).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        Reason: expect.stringMatching(/0007_customer_limits failed .*syntax error/),
      }),
    ]);
  });

  test('answers SUCCESS and changes nothing when a rollback brings code older than the database', async () => {
    const { deps, calls } = recording(async () => {
      throw new Error('migration  failed', {
        cause: new Error(
          'corrupted migrations: previously executed migration 2026-12-02T0007_customer_limits is missing',
        ),
      });
    });

    await handleMigrate(event('Update'), deps);

    expect(calls.responses).toEqual([
      expect.objectContaining({ Status: 'SUCCESS', Reason: expect.stringMatching(/ahead of this code/) }),
    ]);
  });

  test('does not touch the database on Delete', async () => {
    const { deps, calls } = recording(async () => ['x']);

    await handleMigrate(event('Delete'), deps);

    expect(calls.urls).toEqual([]);
    expect(calls.responses).toEqual([expect.objectContaining({ Status: 'SUCCESS' })]);
  });
});

test('masterUrlFromSecret fails fast, naming the missing setting', async () => {
  await expect(masterUrlFromSecret({ DATABASE_NAME: 'shop', MASTER_SECRET_ARN: 'arn' })).rejects.toThrow(
    /DATABASE_HOST is not set/,
  );
});
