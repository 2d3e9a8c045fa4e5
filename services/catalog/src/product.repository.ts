import type { Database, ProductRow } from '@shop/db';
import { PRODUCT_LIMITS, type Product, type ProductStatus, type StockChanged } from '@shop/domain';
import { type Kysely, sql, type Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

export interface ProductFilter {
  readonly status: ProductStatus;
  readonly category: string | undefined;
  readonly q: string | undefined;
  /** Exclusive upper bound on `seq` (the cursor), newest first. */
  readonly beforeSeq: string | undefined;
  readonly limit: number;
}

export interface ProductPage {
  readonly products: Product[];
  /** `seq` of the last product when more follow, else null. */
  readonly lastSeq: string | null;
}

export interface NewProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly priceAmount: number;
  readonly currency: string;
  readonly stock: number;
  readonly lowStockThreshold: number;
}

export interface ProductChanges {
  readonly name?: string;
  readonly description?: string;
  readonly category?: string;
  readonly priceAmount?: number;
  readonly lowStockThreshold?: number;
  readonly imageKeys?: readonly string[];
}

/** A row as the domain product the API shows, with public image URLs (the service converts with it). */
export const toProduct = (row: ProductRow, assetsPublicUrl: string): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  category: row.category,
  price: { amount: row.price_amount, currency: row.currency as Product['price']['currency'] },
  stock: row.stock,
  lowStockThreshold: row.low_stock_threshold,
  status: row.status,
  images: row.images.map((key) => ({ key, url: `${assetsPublicUrl}/${key}` })),
  version: row.version,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One round trip: fetches `limit + 1` rows to know whether another page follows. */
export const findProducts = async (
  db: Db,
  filter: ProductFilter,
): Promise<{ rows: ProductRow[]; more: boolean }> => {
  let query = db.selectFrom('products').selectAll().where('status', '=', filter.status);
  if (filter.category !== undefined) query = query.where('category', '=', filter.category);
  if (filter.q !== undefined) {
    const pattern = `%${escapeLike(filter.q)}%`;
    query = query.where(sql<boolean>`(name || ' ' || description) ilike ${pattern}`);
  }
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq as never);
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const more = rows.length > filter.limit;
  return { rows: more ? rows.slice(0, filter.limit) : rows, more };
};

export const findProductById = async (db: Db, id: string): Promise<ProductRow | undefined> =>
  db.selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();

/** One round trip: whether the product exists, and in which status; undefined when unknown. */
export const findProductStatus = async (db: Db, id: string): Promise<ProductStatus | undefined> =>
  (await db.selectFrom('products').select('status').where('id', '=', id).executeTakeFirst())?.status;

export const insertProduct = async (db: Db, product: NewProduct): Promise<ProductRow> =>
  db
    .insertInto('products')
    .values({
      id: product.id,
      sku: product.sku,
      name: product.name,
      description: product.description,
      category: product.category,
      price_amount: product.priceAmount,
      currency: product.currency,
      stock: product.stock,
      low_stock_threshold: product.lowStockThreshold,
      status: 'active',
      images: '[]',
    })
    .returningAll()
    .executeTakeFirstOrThrow();

/**
 * One round trip: applies the changes only when the version still matches (if one is expected),
 * bumping the version. Undefined when the product is unknown or the version moved on.
 */
export const updateProduct = async (
  db: Db,
  id: string,
  changes: ProductChanges,
  expectedVersion: number | undefined,
): Promise<ProductRow | undefined> => {
  let query = db
    .updateTable('products')
    .set((eb) => ({
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...(changes.category === undefined ? {} : { category: changes.category }),
      ...(changes.priceAmount === undefined ? {} : { price_amount: changes.priceAmount }),
      ...(changes.lowStockThreshold === undefined ? {} : { low_stock_threshold: changes.lowStockThreshold }),
      ...(changes.imageKeys === undefined ? {} : { images: JSON.stringify(changes.imageKeys) }),
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id);
  if (expectedVersion !== undefined) query = query.where('version', '=', expectedVersion);
  return query.returningAll().executeTakeFirst();
};

/** One round trip; archiving twice is a no-op that still reports the product. */
export const archiveProduct = async (
  db: Db,
  id: string,
): Promise<{ row: ProductRow; changed: boolean } | undefined> => {
  const changed = await db
    .updateTable('products')
    .set((eb) => ({ status: 'archived', version: eb('version', '+', 1), updated_at: sql<Date>`now()` }))
    .where('id', '=', id)
    .where('status', '=', 'active')
    .returningAll()
    .executeTakeFirst();
  if (changed) return { row: changed, changed: true };
  const row = await findProductById(db, id);
  return row ? { row, changed: false } : undefined;
};

/**
 * Adds `delta` to the stock unless that would go below zero (the CHECK constraint backs this up)
 * or above the stock an admin may set (PRODUCT_LIMITS.maxStock). One round trip; the row stays
 * locked until the caller's transaction ends.
 */
export const changeStock = async (db: Db, id: string, delta: number): Promise<ProductRow | undefined> =>
  db
    .updateTable('products')
    .set((eb) => ({
      stock: eb('stock', '+', delta),
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', id)
    .where(sql<boolean>`stock::bigint + ${delta} between 0 and ${PRODUCT_LIMITS.maxStock}`)
    .returningAll()
    .executeTakeFirst();

/** One round trip for both rows: the audit entry and the outbox event of a stock adjustment. */
export const recordStockAdjustment = async (
  db: Db,
  adjustment: { id: string; note: string | undefined; actor: string },
  event: StockChanged,
): Promise<void> => {
  await sql`
    with adjustment as (
      insert into stock_adjustments (id, product_id, delta, reason, note, actor, previous_stock, new_stock)
      values (${adjustment.id}, ${event.productId}, ${event.delta}, ${event.reason}, ${adjustment.note ?? null},
              ${adjustment.actor}, ${event.previousStock}, ${event.newStock})
    )
    insert into outbox (id, partition_key, type, payload)
    values (${event.id}, ${event.productId}, ${event.type}, ${JSON.stringify(event)}::jsonb)
  `.execute(db);
};

/** Writes an event to the outbox; must run in the transaction of the change it describes. */
export const appendToOutbox = async (db: Db, event: StockChanged): Promise<void> => {
  await db
    .insertInto('outbox')
    .values({
      id: event.id,
      partition_key: event.productId,
      type: event.type,
      payload: JSON.stringify(event),
    })
    .execute();
};
