// The real auth-hooks service over the integration PostgreSQL (from the global setup), with the
// Cognito side chosen per test, plus helpers to inspect and reset the customers table.
import { createDb, type Database } from '@shop/db';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { asServiceUser } from '../../../../scripts/test/database-user';
import { type CustomerService, createCustomerService } from '../../src/customer.service';
import { getMeHandler } from '../../src/handlers/get-me';
import { postConfirmationHandler } from '../../src/handlers/post-confirmation';
import type { UserGroupDirectory } from '../../src/user-group.directory';

export interface Harness {
  readonly db: Kysely<Database>;
  service(groups: UserGroupDirectory): CustomerService;
  handlers(groups: UserGroupDirectory): {
    postConfirmation: ReturnType<typeof postConfirmationHandler>;
    getMe: ReturnType<typeof getMeHandler>;
  };
  close(): Promise<void>;
}

export const createHarness = (): Harness => {
  // `db` is the admin connection (fixtures, resets); the service runs as the auth_hooks user.
  const db = createDb({ url: inject('databaseUrl') }, { max: 4 });
  const serviceDb = createDb({ url: asServiceUser(inject('databaseUrl'), 'auth_hooks') }, { max: 4 });
  const service = (groups: UserGroupDirectory) => createCustomerService({ db: serviceDb, groups });
  return {
    db,
    service,
    handlers(groups) {
      const built = service(groups);
      return { postConfirmation: postConfirmationHandler(() => built), getMe: getMeHandler(() => built) };
    },
    close: async () => {
      await Promise.all([db.destroy(), serviceDb.destroy()]);
    },
  };
};

/** Cognito as the tests want it: remembers memberships, or fails every call with `failWith`. */
export const memoryGroups = (failWith?: Error): UserGroupDirectory & { members: Set<string> } => {
  const members = new Set<string>();
  return {
    members,
    async addUserToGroup({ username, group }) {
      if (failWith) throw failWith;
      members.add(`${group}:${username}`);
    },
  };
};

export const resetCustomers = async (harness: Harness): Promise<void> => {
  await sql`truncate table customers`.execute(harness.db);
};

export const customerRows = (db: Kysely<Database>) =>
  db.selectFrom('customers').selectAll().orderBy('created_at').execute();
