import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The shop's tables as kysely sees them. One Aurora cluster; each service owns its tables
 * (catalog: products, stock_adjustments; auth-hooks: customers; the outbox is shared by every
 * writer of stock).
 */
export interface Database {
  products: ProductsTable;
  stock_adjustments: StockAdjustmentsTable;
  outbox: OutboxTable;
  customers: CustomersTable;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ProductsTable {
  id: string;
  /** Monotonic insertion order: the list order ("newest first") and the pagination cursor. */
  seq: ColumnType<string, never, never>;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_amount: number;
  currency: string;
  stock: number;
  low_stock_threshold: number;
  status: 'active' | 'archived';
  images: ColumnType<string[], string, string>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StockAdjustmentsTable {
  id: string;
  product_id: string;
  delta: number;
  reason: string;
  note: string | null;
  actor: string;
  previous_stock: number;
  new_stock: number;
  created_at: Timestamp;
}

export interface OutboxTable {
  /** The event id (also `payload.id`): consumers deduplicate on it. */
  id: string;
  seq: ColumnType<string, never, never>;
  /** Kinesis partition key: the product id, so events of one product stay in order. */
  partition_key: string;
  type: string;
  payload: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  published_at: ColumnType<Date | null, never, Date | string | null>;
}

export interface CustomersTable {
  /** The Cognito user's `sub`. */
  id: string;
  /** Lower-cased (a check constraint holds it to that). */
  email: string;
  name: string;
  created_at: Timestamp;
}

export type ProductRow = Selectable<ProductsTable>;
export type NewProductRow = Insertable<ProductsTable>;
export type ProductRowUpdate = Updateable<ProductsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomerRow = Insertable<CustomersTable>;
