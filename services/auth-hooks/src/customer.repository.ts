import type { CustomerRow, Database } from '@shop/db';
import type { Customer, NewCustomer } from '@shop/domain';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** Rows never leave this module. */
const toCustomer = (row: CustomerRow): Customer => ({
  id: row.id,
  email: row.email,
  name: row.name,
  createdAt: row.created_at.toISOString(),
});

/**
 * Inserts the customer unless a row with its id exists (a retried confirmation). One round trip.
 * A concurrent insert of the same id waits for the first transaction and then does nothing.
 * @returns whether this call created the row.
 */
export const insertCustomerIfAbsent = async (db: Db, customer: NewCustomer): Promise<boolean> => {
  const result = await db
    .insertInto('customers')
    .values({ id: customer.id, email: customer.email, name: customer.name })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
};

/** One round trip. */
export const findCustomerById = async (db: Db, id: string): Promise<Customer | undefined> => {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toCustomer(row);
};
