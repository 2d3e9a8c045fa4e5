import type { Database } from '@shop/db';
import { type Kysely, sql, type Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** A customer's open "email me when it is back in stock" for one product, as the API shows it. */
export interface StockSubscription {
  readonly productId: string;
  readonly email: string;
}

/** The unique partial index: at most one open subscription per customer and product. */
export const OPEN_SUBSCRIPTION_INDEX = 'stock_subscriptions_open';

/**
 * One round trip: opens a subscription, but only for an active product (the product check is part
 * of the INSERT, so there is no window between a check and the write). Undefined when the product
 * is unknown or archived. When the customer already has an open subscription for the product the
 * INSERT fails with the unique violation of {@link OPEN_SUBSCRIPTION_INDEX}; concurrent first
 * requests are serialised by that index, so exactly one of them inserts.
 */
export const insertOpenSubscription = async (
  db: Db,
  subscription: { id: string; productId: string; customerId: string; email: string },
): Promise<StockSubscription | undefined> => {
  const { rows } = await sql<{ product_id: string; email: string }>`
    insert into stock_subscriptions (id, product_id, customer_id, email)
    select ${subscription.id}::uuid, products.id, ${subscription.customerId}::uuid, ${subscription.email}
    from products
    where products.id = ${subscription.productId} and products.status = 'active'
    returning product_id, email
  `.execute(db);
  const row = rows[0];
  return row ? { productId: row.product_id, email: row.email } : undefined;
};

/**
 * One round trip: points the customer's open subscription at `email` (their address may have
 * changed since they subscribed). Undefined when they have no open subscription for the product.
 */
export const refreshOpenSubscription = async (
  db: Db,
  subscription: { productId: string; customerId: string; email: string },
): Promise<StockSubscription | undefined> => {
  const row = await db
    .updateTable('stock_subscriptions')
    .set({ email: subscription.email })
    .where('product_id', '=', subscription.productId)
    .where('customer_id', '=', subscription.customerId)
    .where('fulfilled_at', 'is', null)
    .returning(['product_id', 'email'])
    .executeTakeFirst();
  return row ? { productId: row.product_id, email: row.email } : undefined;
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
