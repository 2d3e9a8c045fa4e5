// Orders in PostgreSQL. Placing and cancelling are database functions (packages/db migrations
// 2026-11-26T0003_orders and 2026-11-26T0004_order_product_versions, wrapped with the customer's
// limits by 2026-12-02T0007_customer_limits): one round trip each, row locks held only inside the
// statement. Every function here is ONE round trip; rows and JSON documents never leave this module.

import type { ProductVersion } from '@shop/catalog-cache';
import type { Database, OrderStatusColumn } from '@shop/db';
import type {
  BasketLine,
  CustomerLimit,
  CustomerLimits,
  FulfilmentStatus,
  Order,
  OrderStatus,
  ShippingAddress,
} from '@shop/domain';
import { type Kysely, sql, type Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** SQLSTATE with which `place_order` refuses an order after taking the locks (see the migration). */
const REFUSED_UNDER_LOCK = 'SHOP1';

/** `order_json(orders)` as the database builds it. */
interface OrderDocument {
  readonly id: string;
  readonly seq: string;
  readonly customer_id: string;
  readonly status: OrderStatus;
  readonly currency: string;
  readonly total_amount: number;
  readonly shipping_address: ShippingAddress;
  readonly created_at: string;
  readonly updated_at: string;
  readonly items: readonly {
    readonly product_id: string;
    readonly sku: string;
    readonly name: string;
    readonly quantity: number;
    readonly unit_price_amount: number;
    readonly line_total_amount: number;
  }[];
}

const money = (amount: number, currency: string) => ({
  amount: Number(amount),
  currency: currency as Order['total']['currency'],
});

const toOrder = (doc: OrderDocument): Order => ({
  id: doc.id,
  customerId: doc.customer_id,
  status: doc.status,
  items: doc.items.map((item) => ({
    productId: item.product_id,
    sku: item.sku,
    name: item.name,
    quantity: item.quantity,
    unitPrice: money(item.unit_price_amount, doc.currency),
    lineTotal: money(item.line_total_amount, doc.currency),
  })),
  total: money(doc.total_amount, doc.currency),
  shippingAddress: doc.shipping_address,
  createdAt: new Date(doc.created_at).toISOString(),
  updatedAt: new Date(doc.updated_at).toISOString(),
});

export interface NewOrder {
  readonly id: string;
  readonly customerId: string;
  readonly lines: readonly BasketLine[];
  readonly shippingAddress: ShippingAddress;
  readonly correlationId: string;
}

/** A customer went past one of their limits: nothing was changed. */
export interface RateLimited {
  readonly outcome: 'rate_limited';
  readonly limit: CustomerLimit;
  readonly retryAfter: number;
}

export type PlaceOrderResult =
  | {
      readonly outcome: 'placed';
      readonly order: Order;
      /** The basket's products with their versions after the stock change (not part of the order). */
      readonly productVersions: readonly ProductVersion[];
    }
  | { readonly outcome: 'unknown_products'; readonly lines: readonly { index: number; productId: string }[] }
  | {
      readonly outcome: 'insufficient_stock';
      readonly lines: readonly { productId: string; requested: number; available: number }[];
    }
  | RateLimited;

/**
 * ONE round trip: `select place_customer_order(...)` checks the customer's limits under their lock,
 * then `place_order` locks the basket's products in id order, checks them, takes the stock, writes
 * the order, its lines and a StockChanged outbox row per product, and answers the order; or
 * changes nothing and says why.
 */
export const placeOrder = async (
  db: Db,
  order: NewOrder,
  limits: CustomerLimits,
): Promise<PlaceOrderResult> => {
  const items = order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity }));
  let result:
    | { outcome: 'placed'; order: OrderDocument; productVersions: ProductVersion[] }
    | Exclude<PlaceOrderResult, { outcome: 'placed' }>;
  try {
    const { rows } = await sql<{ result: typeof result }>`
      select place_customer_order(${order.id}::uuid, ${order.customerId}::uuid, ${JSON.stringify(items)}::jsonb,
                                  ${JSON.stringify(order.shippingAddress)}::jsonb, ${order.correlationId},
                                  ${limits.maxOpenOrders}::integer, ${limits.maxWritesPerWindow}::integer,
                                  ${limits.windowSeconds}::integer) as result
    `.execute(db);
    result = rows[0]!.result;
  } catch (error) {
    // Refused under the lock (the stock went between check and lock): the function raised to undo
    // the rows it had written, and says why in the error's detail.
    const e = error as { code?: unknown; detail?: unknown };
    if (e?.code !== REFUSED_UNDER_LOCK || typeof e.detail !== 'string') throw error;
    result = JSON.parse(e.detail);
  }
  return result.outcome === 'placed'
    ? { outcome: 'placed', order: toOrder(result.order), productVersions: result.productVersions }
    : result;
};

export type CancelOrderResult =
  | {
      readonly outcome: 'cancelled';
      readonly order: Order;
      /** The restocked products with their versions after the change (not part of the order). */
      readonly productVersions: readonly ProductVersion[];
    }
  | { readonly outcome: 'unchanged'; readonly order: Order }
  | { readonly outcome: 'not_found' }
  | { readonly outcome: 'not_cancellable'; readonly status: OrderStatus }
  | RateLimited;

/**
 * ONE round trip: `select cancel_customer_order(...)` checks a customer's write limit, then
 * `cancel_order` restocks every line, cancels the order and writes a StockChanged (reason
 * `cancellation`) per product. `customerId` null = an admin, any order, no limit.
 */
export const cancelOrder = async (
  db: Db,
  input: { orderId: string; customerId: string | null; correlationId: string },
  limits: CustomerLimits,
): Promise<CancelOrderResult> => {
  const { rows } = await sql<{
    result: {
      outcome: string;
      order?: OrderDocument;
      status?: OrderStatus;
      productVersions?: ProductVersion[];
      limit?: CustomerLimit;
      retryAfter?: number;
    };
  }>`
    select cancel_customer_order(${input.orderId}::uuid, ${input.customerId}::uuid, ${input.correlationId},
                                 ${limits.maxWritesPerWindow}::integer, ${limits.windowSeconds}::integer) as result
  `.execute(db);
  const result = rows[0]!.result;
  switch (result.outcome) {
    case 'cancelled':
      return {
        outcome: 'cancelled',
        order: toOrder(result.order as OrderDocument),
        productVersions: result.productVersions ?? [],
      };
    case 'unchanged':
      return { outcome: 'unchanged', order: toOrder(result.order as OrderDocument) };
    case 'not_cancellable':
      return { outcome: 'not_cancellable', status: result.status as OrderStatus };
    case 'rate_limited':
      return { outcome: 'rate_limited', limit: result.limit ?? 'writes', retryAfter: result.retryAfter ?? 1 };
    default:
      return { outcome: 'not_found' };
  }
};

/**
 * ONE round trip: moves the order to `to` only if it is in one of `from` (a conditional UPDATE), and
 * reports the status it found either way. Undefined when the order does not exist.
 */
export const changeOrderStatus = async (
  db: Db,
  input: { orderId: string; to: FulfilmentStatus; from: readonly OrderStatus[] },
): Promise<{ previous: OrderStatus; order: Order | null } | undefined> => {
  // `from` is never empty for a fulfilment status; an empty array would simply match nothing.
  const { rows } = await sql<{ previous: OrderStatus; doc: OrderDocument | null }>`
    with current as (
      select id, status from orders where id = ${input.orderId}::uuid
    ), changed as (
      update orders o set status = ${input.to}, updated_at = now()
        from current c
       where o.id = c.id and o.status = any (${sql.val(input.from as OrderStatusColumn[])}::text[])
      returning o.*
    )
    select c.status as previous, (select order_json(x::orders) from changed x) as doc
      from current c
  `.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  return { previous: row.previous, order: row.doc ? toOrder(row.doc) : null };
};

/** ONE round trip. `customerId` set = only that customer's order is found. */
export const findOrder = async (
  db: Db,
  input: { orderId: string; customerId: string | null },
): Promise<Order | undefined> => {
  const { rows } = await sql<{ doc: OrderDocument }>`
    select order_json(o) as doc from orders o
     where o.id = ${input.orderId}::uuid
       and (${input.customerId}::uuid is null or o.customer_id = ${input.customerId}::uuid)
  `.execute(db);
  return rows[0] ? toOrder(rows[0].doc) : undefined;
};

export interface OrderFilter {
  readonly customerId: string | undefined;
  readonly status: OrderStatus | undefined;
  /** Exclusive upper bound on `seq` (the cursor), newest first. */
  readonly beforeSeq: string | undefined;
  readonly limit: number;
}

/** ONE round trip: fetches `limit + 1` orders to know whether another page follows. */
export const findOrders = async (
  db: Db,
  filter: OrderFilter,
): Promise<{ orders: Order[]; lastSeq: string | null }> => {
  let query = db.selectFrom('orders as o').select(sql<OrderDocument>`order_json(o)`.as('doc'));
  if (filter.customerId !== undefined) query = query.where('o.customer_id', '=', filter.customerId);
  if (filter.status !== undefined) query = query.where('o.status', '=', filter.status);
  if (filter.beforeSeq !== undefined) query = query.where('o.seq', '<', filter.beforeSeq as never);
  const rows = await query
    .orderBy('o.seq', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const more = rows.length > filter.limit;
  const page = more ? rows.slice(0, filter.limit) : rows;
  return {
    orders: page.map((row) => toOrder(row.doc)),
    lastSeq: more ? (page.at(-1)?.doc.seq ?? null) : null,
  };
};
