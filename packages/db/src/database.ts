import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The shop's tables as kysely sees them. One Aurora cluster; each service owns its tables
 * (catalog: products, stock_adjustments; auth-hooks: customers; orders: orders, order_items; the
 * outbox is shared by every writer of stock; inventory-stream: stock_ledger, stock_alerts; catalog:
 * stock_subscriptions, which the notifier fulfils; notifier: notification_deliveries).
 */
export interface Database {
  products: ProductsTable;
  stock_adjustments: StockAdjustmentsTable;
  outbox: OutboxTable;
  customers: CustomersTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  stock_ledger: StockLedgerTable;
  stock_alerts: StockAlertsTable;
  stock_subscriptions: StockSubscriptionsTable;
  notification_deliveries: NotificationDeliveriesTable;
  customer_order_writes: CustomerOrderWritesTable;
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

export type OrderStatusColumn = 'placed' | 'shipped' | 'delivered' | 'cancelled';

/**
 * Orders are written only by the database functions `place_order` and `cancel_order` (one round
 * trip each, see the orders migration); reads and status changes go through kysely.
 */
export interface OrdersTable {
  id: string;
  /** Monotonic insertion order: "newest first" and the pagination cursor. */
  seq: ColumnType<string, never, never>;
  /** The customer's Cognito `sub`. */
  customer_id: string;
  status: OrderStatusColumn;
  /** bigint: pg returns it as a string. */
  total_amount: ColumnType<string, number | string, number | string>;
  currency: string;
  shipping_address: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One row per accepted order write of a customer, kept for one limit window (migration 0007). */
export interface CustomerOrderWritesTable {
  customer_id: string;
  at: ColumnType<Date, Date | undefined, never>;
}

export interface OrderItemsTable {
  order_id: string;
  product_id: string;
  /** Position in the basket as placed (0-based). */
  line_no: number;
  sku: string;
  name: string;
  quantity: number;
  unit_price_amount: number;
  /** bigint: pg returns it as a string. */
  line_total_amount: ColumnType<string, number | string, number | string>;
}

/** One row per StockChanged event (inventory-stream); the admin stock history reads it. */
export interface StockLedgerTable {
  /** The event id: a redelivered event inserts nothing. */
  event_id: string;
  /** Monotonic insertion order: "newest first" and the pagination cursor. */
  seq: ColumnType<string, never, never>;
  product_id: string;
  delta: number;
  reason: string;
  previous_stock: number;
  new_stock: number;
  order_id: string | null;
  correlation_id: string;
  occurred_at: Timestamp;
  recorded_at: ColumnType<Date, never, never>;
}

/** The alert a ledger row raised (at most one per event); published to SNS `stock-alerts`. */
export interface StockAlertsTable {
  id: string;
  event_id: string;
  product_id: string;
  type: 'LowStock' | 'OutOfStock' | 'BackInStock';
  /** The `stock-alerts` message as published. */
  payload: ColumnType<unknown, string, string>;
  created_at: ColumnType<Date, never, never>;
  /** Null until SNS accepted it. */
  published_at: ColumnType<Date | null, never, Date | string | null>;
}

/** "Email me when it is back in stock" (catalog); open while `fulfilled_at` is null. */
export interface StockSubscriptionsTable {
  id: string;
  product_id: string;
  /** The customer's Cognito `sub`. */
  customer_id: string;
  email: string;
  created_at: ColumnType<Date, never, never>;
  fulfilled_at: ColumnType<Date | null, never, Date | string | null>;
  fulfilled_by_alert: string | null;
}

/** An email SES accepted, per alert and recipient (notifier): a retried alert never sends it twice. */
export interface NotificationDeliveriesTable {
  alert_id: string;
  recipient: string;
  subscription_id: string | null;
  provider_message_id: string | null;
  sent_at: ColumnType<Date, Date | string | undefined, never>;
}

export type ProductRow = Selectable<ProductsTable>;
export type NewProductRow = Insertable<ProductsTable>;
export type ProductRowUpdate = Updateable<ProductsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomerRow = Insertable<CustomersTable>;
export type OrderRow = Selectable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;
