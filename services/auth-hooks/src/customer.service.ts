import { type Database, isDatabaseUnavailable } from '@shop/db';
import {
  CUSTOMER_GROUP,
  type Customer,
  type Me,
  type NewCustomer,
  NotFoundError,
  newCustomer,
  ServiceUnavailableError,
} from '@shop/domain';
import type { Kysely } from 'kysely';
import { findCustomerById, insertCustomerIfAbsent } from './customer.repository';
import type { UserGroupDirectory } from './user-group.directory';

export interface CustomerServiceDependencies {
  readonly db: Kysely<Database>;
  readonly groups: UserGroupDirectory;
}

/** A user who has just confirmed sign-up, as the post-confirmation trigger describes them. */
export interface ConfirmedUser {
  readonly userPoolId: string;
  readonly username: string;
  readonly sub: string;
  readonly email: string;
  readonly name: string | undefined;
}

export interface Registration {
  readonly customer: NewCustomer;
  /** False when a retried confirmation found the row already there. */
  readonly created: boolean;
}

export type CustomerService = ReturnType<typeof createCustomerService>;

// Cognito subs are UUIDs; anything else cannot name a customer (and must not reach a uuid column).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const createCustomerService = ({ db, groups }: CustomerServiceDependencies) => ({
  /**
   * Makes a confirmed user a customer: their row, and membership of the `customer` group.
   *
   * Both happen inside one database transaction, in this order: insert the row (or find it there
   * from an earlier attempt), add the user to the group, commit. If the group call fails, the
   * transaction rolls back and the error reaches Cognito, so there is never a customer row without
   * the group. The only partial outcome is the reverse (the group call succeeded, the commit did
   * not; the trigger still fails), and running this again repairs it: the insert then creates the
   * row and adding to the group again is a no-op.
   *
   * Cost: BEGIN, INSERT, COMMIT (3 round trips) and one Cognito call, made while the transaction
   * holds the new row's key, so a concurrent delivery of the same confirmation waits, then finds it.
   */
  async registerConfirmedUser(user: ConfirmedUser): Promise<Registration> {
    const customer = newCustomer({ sub: user.sub, email: user.email, name: user.name });
    return db.transaction().execute(async (trx) => {
      const created = await insertCustomerIfAbsent(trx, customer);
      await groups.addUserToGroup({
        userPoolId: user.userPoolId,
        username: user.username,
        group: CUSTOMER_GROUP,
      });
      return { customer, created };
    });
  },

  /** `GET /me`: the stored customer and the groups of the caller's token. One round trip. */
  async getMe(caller: { readonly sub: string; readonly groups: readonly string[] }): Promise<Me> {
    if (!UUID.test(caller.sub)) throw new NotFoundError('Customer');
    let customer: Customer | undefined;
    try {
      customer = await findCustomerById(db, caller.sub);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        throw new ServiceUnavailableError('Customer profiles are unavailable', 2, error);
      }
      throw error;
    }
    if (customer === undefined) throw new NotFoundError('Customer');
    return { ...customer, groups: [...caller.groups] };
  },
});
