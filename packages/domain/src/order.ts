import { InvalidStateError, RateLimitedError, ValidationError } from './errors';
import type { Money } from './money';

/**
 * Orders: what a customer bought, at the price the catalog asked when they bought it.
 *
 * Lifecycle (api.md): `placed` -> `shipped` -> `delivered`, and `placed` -> `cancelled`.
 * Placing an order and cancelling it move stock; the database does both atomically (see the
 * `place_order` / `cancel_order` functions of the orders migration), these rules decide what is
 * allowed.
 */
export const ORDER_STATUSES = ['placed', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The statuses an admin may set with `POST /orders/{id}/status`; cancelling has its own route. */
export const FULFILMENT_STATUSES = ['shipped', 'delivered'] as const;
export type FulfilmentStatus = (typeof FULFILMENT_STATUSES)[number];

/** Limits of the public contract, shared by the HTTP schemas and the database checks. */
export const ORDER_LIMITS = Object.freeze({
  minLines: 1,
  maxLines: 50,
  minQuantity: 1,
  maxQuantity: 100,
  address: Object.freeze({
    nameMaxLength: 200,
    lineMaxLength: 200,
    cityMaxLength: 100,
    regionMaxLength: 100,
    postalCodeMaxLength: 20,
  }),
});

/**
 * A customer's limits on order writes (api.md "Per-customer limits"), stage parameters of the orders
 * service (docs/limits.md): accepted writes (placements and their own cancellations) per window, and
 * orders in status `placed` at once.
 */
export interface CustomerLimits {
  readonly maxWritesPerWindow: number;
  readonly windowSeconds: number;
  readonly maxOpenOrders: number;
}

/** Which limit a refused write hit. */
export type CustomerLimit = 'writes' | 'open_orders';

/** The 429 for a customer past `limit`; `retryAfterSeconds` says when trying again can succeed. */
export const customerLimitExceeded = (
  limit: CustomerLimit,
  limits: CustomerLimits,
  retryAfterSeconds: number,
): RateLimitedError =>
  new RateLimitedError(
    limit === 'writes'
      ? `Too many order changes: at most ${limits.maxWritesPerWindow} every ${limits.windowSeconds} seconds`
      : `Too many open orders: at most ${limits.maxOpenOrders} orders may wait for shipping at once`,
    retryAfterSeconds,
  );

/** ISO 3166-1 alpha-2, upper case (`US`, `DE`). */
export const COUNTRY_CODE_PATTERN = /^[A-Z]{2}$/;

export interface ShippingAddress {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly region?: string;
  readonly postalCode: string;
  readonly country: string;
}

export interface OrderItem {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: Money;
  readonly lineTotal: Money;
}

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderItem[];
  readonly total: Money;
  readonly shippingAddress: ShippingAddress;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One line of a basket: which product and how many. Prices come from the catalog, never the client. */
export interface BasketLine {
  readonly productId: string;
  readonly quantity: number;
}

/**
 * A basket that can be placed: 1..50 lines of distinct products, 1..100 of each.
 * @throws {ValidationError} naming each offending line as `items.<index>.<field>`.
 */
export const newBasket = (lines: readonly BasketLine[]): readonly BasketLine[] => {
  if (lines.length < ORDER_LIMITS.minLines || lines.length > ORDER_LIMITS.maxLines) {
    throw new ValidationError(`An order has ${ORDER_LIMITS.minLines} to ${ORDER_LIMITS.maxLines} lines`, [
      { path: 'items', message: `must have ${ORDER_LIMITS.minLines}-${ORDER_LIMITS.maxLines} lines` },
    ]);
  }
  const seen = new Set<string>();
  const details = lines.flatMap((line, index) => {
    const problems: { path: string; message: string }[] = [];
    const key = line.productId.toLowerCase();
    if (seen.has(key)) {
      problems.push({ path: `items.${index}.productId`, message: 'appears more than once' });
    }
    seen.add(key);
    if (
      !Number.isSafeInteger(line.quantity) ||
      line.quantity < ORDER_LIMITS.minQuantity ||
      line.quantity > ORDER_LIMITS.maxQuantity
    ) {
      problems.push({
        path: `items.${index}.quantity`,
        message: `must be an integer ${ORDER_LIMITS.minQuantity}-${ORDER_LIMITS.maxQuantity}`,
      });
    }
    return problems;
  });
  if (details.length > 0) throw new ValidationError('The basket is not valid', details);
  return Object.freeze(lines.map((line) => Object.freeze({ ...line })));
};

// Every legal move; anything not listed is refused.
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = Object.freeze({
  placed: ['shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
});

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);

/** @throws {InvalidStateError} when an order in `from` cannot move to `to`. */
export const assertTransition = (from: OrderStatus, to: OrderStatus): void => {
  if (!canTransition(from, to)) {
    throw new InvalidStateError(`An order that is ${from} cannot become ${to}`);
  }
};

/**
 * The statuses from which an order may move to `to`: what a conditional
 * `UPDATE ... WHERE status = ANY(...)` accepts, so the check and the change are one statement.
 */
export const statusesLeadingTo = (to: OrderStatus): readonly OrderStatus[] =>
  ORDER_STATUSES.filter((from) => canTransition(from, to));

/** Who is looking at orders: a customer (by Cognito `sub`) and/or an admin. */
export interface OrderViewer {
  /** The caller's customer id, or null when the caller is not a customer. */
  readonly customerId: string | null;
  readonly isAdmin: boolean;
}

/** Admins see every order; a customer only their own. Everyone else learns nothing (404, not 403). */
export const isOrderVisibleTo = (order: Pick<Order, 'customerId'>, viewer: OrderViewer): boolean =>
  viewer.isAdmin || (viewer.customerId !== null && viewer.customerId === order.customerId);

/**
 * What cancelling an order in `status` does: cancel it, or nothing because it already is
 * (cancelling twice answers the cancelled order unchanged).
 * @throws {InvalidStateError} once the order has shipped.
 */
export const cancellationOf = (status: OrderStatus): 'cancel' | 'unchanged' => {
  if (status === 'cancelled') return 'unchanged';
  assertTransition(status, 'cancelled');
  return 'cancel';
};
