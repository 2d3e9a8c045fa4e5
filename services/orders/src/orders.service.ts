import type { ProductVersion } from '@shop/catalog-cache';
import { type Database, isDatabaseUnavailable, withOutageAs503 } from '@shop/db';
import {
  assertTransition,
  type BasketLine,
  type CustomerLimits,
  cancellationOf,
  customerLimitExceeded,
  ForbiddenError,
  type FulfilmentStatus,
  InsufficientStockError,
  InvalidStateError,
  isOrderVisibleTo,
  NotFoundError,
  newBasket,
  type Order,
  type OrderStatus,
  type OrderViewer,
  type ShippingAddress,
  statusesLeadingTo,
  ValidationError,
} from '@shop/domain';
import type { Kysely } from 'kysely';
import { decodeCursor, encodeCursor } from './cursor';
import { cancelOrder, changeOrderStatus, findOrder, findOrders, placeOrder } from './order.repository';

export interface PlaceOrderInput {
  readonly items: readonly BasketLine[];
  readonly shippingAddress: ShippingAddress;
}

export interface ListOrdersInput {
  readonly customerId: string | undefined;
  readonly status: OrderStatus | undefined;
  readonly cursor: string | undefined;
  readonly limit: number;
}

export interface OrderPage {
  readonly items: Order[];
  readonly nextCursor: string | null;
}

export interface OrdersDependencies {
  /**
   * The writer. Orders read their own writes (a client reads the order it just placed at once), so
   * reads go to the writer too.
   */
  readonly db: Kysely<Database>;
  readonly newId: () => string;
  /** Per-customer limits on placing and cancelling (stage parameters, see docs/limits.md). */
  readonly limits: CustomerLimits;
  /**
   * Called (and awaited) after a committed change that wrote outbox events, so the relay can
   * publish them at once instead of waiting for the sweeper. Must never throw.
   */
  readonly eventsCommitted?: () => Promise<void>;
  /**
   * Called (and awaited) after a committed change of products' stock, with their new versions, so
   * the catalog's cache stops serving the old stock at once (production: tombstones in Redis).
   * Must never throw.
   */
  readonly productsChanged?: (products: readonly ProductVersion[]) => Promise<void>;
}

export type OrdersService = ReturnType<typeof createOrdersService>;

// Lock waits that ran out, statements cancelled by the timeout, and (although fixed lock order
// makes them impossible between orders) deadlocks: the caller may simply try again.
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001', '55P03', '57014']);

const isRetryable = (error: unknown): boolean =>
  isDatabaseUnavailable(error) || RETRYABLE_SQLSTATES.has(String((error as { code?: unknown })?.code));

const requireCustomer = (viewer: OrderViewer): string => {
  if (viewer.customerId === null) throw new ForbiddenError('Only customers may place orders');
  return viewer.customerId;
};

export const createOrdersService = (deps: OrdersDependencies) => {
  const { db, limits } = deps;
  const eventsCommitted = deps.eventsCommitted ?? (async () => undefined);
  const productsChanged = deps.productsChanged ?? (async () => undefined);
  /** After the commit of a stock change: invalidate the catalog's cache and kick the relay. */
  const committed = async (products: readonly ProductVersion[]): Promise<void> => {
    await Promise.all([productsChanged(products), eventsCommitted()]);
  };

  return withOutageAs503(
    {
      /** ONE database round trip (the `place_customer_order` function). */
      async placeOrder(input: PlaceOrderInput, viewer: OrderViewer, correlationId: string): Promise<Order> {
        const customerId = requireCustomer(viewer);
        const lines = newBasket(input.items);
        const result = await placeOrder(
          db,
          {
            id: deps.newId(),
            customerId,
            lines,
            shippingAddress: input.shippingAddress,
            correlationId,
          },
          limits,
        );
        switch (result.outcome) {
          case 'placed':
            await committed(result.productVersions);
            return result.order;
          case 'unknown_products':
            throw new ValidationError(
              'Some products are unknown or no longer sold',
              result.lines.map((line) => ({
                path: `items.${line.index}.productId`,
                message: 'unknown or archived product',
              })),
            );
          case 'insufficient_stock':
            throw new InsufficientStockError(result.lines);
          case 'rate_limited':
            throw customerLimitExceeded(result.limit, limits, result.retryAfter);
        }
      },

      /** ONE round trip. Customers see their own orders; admins all, optionally by customer. */
      async listOrders(input: ListOrdersInput, viewer: OrderViewer): Promise<OrderPage> {
        let customerId = input.customerId;
        if (!viewer.isAdmin) {
          const own = requireCustomer(viewer);
          if (customerId !== undefined && customerId !== own) {
            throw new ForbiddenError("Only admins may list other customers' orders");
          }
          customerId = own;
        }
        const { orders, lastSeq } = await findOrders(db, {
          customerId,
          status: input.status,
          beforeSeq: input.cursor === undefined ? undefined : decodeCursor(input.cursor),
          limit: input.limit,
        });
        return { items: orders, nextCursor: lastSeq === null ? null : encodeCursor(lastSeq) };
      },

      /** ONE round trip; someone else's order is simply not found. */
      async getOrder(id: string, viewer: OrderViewer): Promise<Order> {
        const order = await findOrder(db, {
          orderId: id,
          customerId: viewer.isAdmin ? null : viewer.customerId,
        });
        if (!order || !isOrderVisibleTo(order, viewer)) throw new NotFoundError('Order');
        return order;
      },

      /** ONE round trip (the `cancel_customer_order` function): restocks and emits StockChanged events. */
      async cancelOrder(id: string, viewer: OrderViewer, correlationId: string): Promise<Order> {
        if (!viewer.isAdmin && viewer.customerId === null) throw new NotFoundError('Order');
        const result = await cancelOrder(
          db,
          {
            orderId: id,
            customerId: viewer.isAdmin ? null : viewer.customerId,
            correlationId,
          },
          limits,
        );
        switch (result.outcome) {
          case 'cancelled':
            await committed(result.productVersions);
            return result.order;
          case 'unchanged':
            return result.order;
          case 'not_cancellable':
            cancellationOf(result.status); // throws INVALID_STATE with the reason
            throw new Error(`cancel_order refused an order that is ${result.status}`);
          case 'not_found':
            throw new NotFoundError('Order');
          case 'rate_limited':
            throw customerLimitExceeded(result.limit, limits, result.retryAfter);
        }
      },

      /** ONE round trip: a conditional UPDATE that only moves the order along a legal transition. */
      async updateOrderStatus(id: string, to: FulfilmentStatus): Promise<Order> {
        const result = await changeOrderStatus(db, { orderId: id, to, from: statusesLeadingTo(to) });
        if (!result) throw new NotFoundError('Order');
        if (result.order) return result.order;
        assertTransition(result.previous, to); // throws INVALID_STATE
        // Legal when read, changed by someone else before the update: the order is no longer there.
        throw new InvalidStateError(`The order is no longer ${result.previous}; read it again`);
      },
    },
    {
      message: 'Orders are unavailable',
      retryAfterSeconds: 1,
      isRetryable,
    },
  );
};
