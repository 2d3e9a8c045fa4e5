// Response schemas of api.md: what the API answers. They describe the OpenAPI document and the
// tests check every response they see against it; functions do not parse their own answers.
import { ORDER_STATUSES, SHOP_CURRENCY, STOCK_ADJUSTMENT_REASONS } from '@shop/domain';
import * as z from 'zod/mini';

const count = z.int().check(z.gte(0));
const timestamp = z.iso.datetime({ offset: true });

export const STOCK_CHANGE_REASONS = ['order', 'cancellation', ...STOCK_ADJUSTMENT_REASONS] as const;

export const money = z.object({ amount: z.int(), currency: z.literal(SHOP_CURRENCY) });

export const product = z.object({
  id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  price: money,
  stock: count,
  lowStockThreshold: count,
  status: z.enum(['active', 'archived']),
  images: z.array(z.object({ key: z.string(), url: z.string() })),
  version: z.int().check(z.gte(1)),
  createdAt: timestamp,
  updatedAt: timestamp,
});

/** api.md "Lists": a page of items and the cursor of the next one. */
export const pageOf = <T extends z.core.SomeType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

export const stockLevel = z.object({ productId: z.uuid(), stock: count });

export const imageUpload = z.object({
  uploadUrl: z.string(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  key: z.string(),
  expiresAt: timestamp,
});

export const stockSubscription = z.object({ productId: z.uuid(), email: z.string() });

export const stockHistoryEntry = z.object({
  eventId: z.uuid(),
  delta: z.int(),
  reason: z.enum(STOCK_CHANGE_REASONS),
  previousStock: count,
  newStock: count,
  orderId: z.nullable(z.uuid()),
  occurredAt: timestamp,
});

export const order = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  status: z.enum(ORDER_STATUSES),
  items: z.array(
    z.object({
      productId: z.uuid(),
      sku: z.string(),
      name: z.string(),
      quantity: z.int().check(z.gte(1)),
      unitPrice: money,
      lineTotal: money,
    }),
  ),
  total: money,
  shippingAddress: z.object({
    name: z.string(),
    line1: z.string(),
    line2: z.optional(z.string()),
    city: z.string(),
    region: z.optional(z.string()),
    postalCode: z.string(),
    country: z.string(),
  }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const me = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  groups: z.array(z.string()),
  createdAt: timestamp,
});

export const health = z.object({ status: z.literal('ok') });

/** api.md "Errors": the status -> codes table. */
export const ERROR_CODES_BY_STATUS = {
  400: ['VALIDATION_FAILED'],
  401: ['UNAUTHORIZED'],
  403: ['FORBIDDEN'],
  404: ['NOT_FOUND'],
  409: ['CONFLICT', 'INSUFFICIENT_STOCK', 'INVALID_STATE'],
  412: ['PRECONDITION_FAILED'],
  413: ['PAYLOAD_TOO_LARGE'],
  422: ['IDEMPOTENCY_KEY_REUSED'],
  429: ['RATE_LIMITED'],
  500: ['INTERNAL'],
  503: ['SERVICE_UNAVAILABLE'],
} as const;

export type ErrorStatus = keyof typeof ERROR_CODES_BY_STATUS;

/** The error body of one status: `code` is one of that status's codes. */
export const errorBody = (status: ErrorStatus) =>
  z.strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES_BY_STATUS[status]),
      message: z.string().check(z.minLength(1)),
      details: z.optional(z.array(z.record(z.string(), z.unknown()))),
    }),
  });
