// A product row written straight into the catalog's table, for tests of the services that read or
// change products without going through the catalog (orders, inventory-stream, notifier).
import { randomUUID } from 'node:crypto';
import type { Database } from '@shop/db';
import type { Kysely } from 'kysely';

export interface ProductRowOverrides {
  readonly stock?: number;
  readonly lowStockThreshold?: number;
  readonly priceAmount?: number;
  readonly status?: 'active' | 'archived';
}

export interface InsertedProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly version: number;
}

let counter = 0;

/**
 * Inserts a product (active, USD, stock 10, threshold 5 unless overridden) and answers what the
 * row got. `label` names the caller in the sku and name (e.g. `ORD`, `Order`); skus stay unique
 * across processes and runs.
 */
export const insertProductRow = async (
  db: Kysely<Database>,
  label: { sku: string; name: string },
  overrides: ProductRowOverrides = {},
): Promise<InsertedProduct> => {
  counter += 1;
  const id = randomUUID();
  const sku = `${label.sku}-${process.pid}-${id.slice(0, 8)}-${counter}`;
  const name = `${label.name} test product ${counter}`;
  const { version } = await db
    .insertInto('products')
    .values({
      id,
      sku,
      name,
      description: '',
      category: 'testing',
      price_amount: overrides.priceAmount ?? 1999,
      currency: 'USD',
      stock: overrides.stock ?? 10,
      low_stock_threshold: overrides.lowStockThreshold ?? 5,
      status: overrides.status ?? 'active',
      images: '[]',
    })
    .returning('version')
    .executeTakeFirstOrThrow();
  return { id, sku, name, version };
};
