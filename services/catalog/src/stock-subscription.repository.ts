import type { Database } from '@shop/db';
import { type Kysely, sql, type Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** A customer's open "email me when it is back in stock" for one product, as the API shows it. */
export interface StockSubscription {
  readonly productId: string;
  readonly email: string;
}

/**
 * One round trip: opens the customer's subscription to an active product, or, when one is already
 * open, points it at `email` (their address may have changed since). The product check is part of
 * the INSERT, so there is no window between a check and the write; undefined when the product is
 * unknown or archived. The unique partial index (one open subscription per customer and product)
 * is the ON CONFLICT arbiter, so concurrent first requests create exactly one row and the others
 * update it. `created` is false when one was open (`xmax` is 0 only on a row this statement inserted).
 */
export const upsertOpenSubscription = async (
  db: Db,
  subscription: { id: string; productId: string; customerId: string; email: string },
): Promise<{ subscription: StockSubscription; created: boolean } | undefined> => {
  const { rows } = await sql<{ product_id: string; email: string; created: boolean }>`
    insert into stock_subscriptions (id, product_id, customer_id, email)
    select ${subscription.id}::uuid, products.id, ${subscription.customerId}::uuid, ${subscription.email}
    from products
    where products.id = ${subscription.productId} and products.status = 'active'
    on conflict (product_id, customer_id) where fulfilled_at is null
    do update set email = excluded.email
    returning product_id, email, (xmax = 0) as created
  `.execute(db);
  const row = rows[0];
  return row
    ? { subscription: { productId: row.product_id, email: row.email }, created: row.created }
    : undefined;
};

/**
 * One round trip: deletes the customer's open subscription for the product, if any. Fulfilled ones
 * stay (the notifier's record of what it sent). True when one was deleted.
 */
export const deleteOpenSubscription = async (
  db: Db,
  productId: string,
  customerId: string,
): Promise<boolean> => {
  const result = await db
    .deleteFrom('stock_subscriptions')
    .where('product_id', '=', productId)
    .where('customer_id', '=', customerId)
    .where('fulfilled_at', 'is', null)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
};
