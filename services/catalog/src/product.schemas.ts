// HTTP schemas of the catalog routes (api.md). Write bodies are strict: unknown fields are 400.
// zod/mini keeps the validator small: full zod alone would add ~40 ms to every cold start.
import {
  MAX_PRICE_AMOUNT,
  MAX_STOCK_DELTA,
  PRODUCT_LIMITS,
  SHOP_CURRENCY,
  SKU_PATTERN,
  STOCK_ADJUSTMENT_REASONS,
} from '@shop/domain';
import * as z from 'zod/mini';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const intBetween = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const stockLevel = intBetween(0, PRODUCT_LIMITS.maxStock);

export const moneySchema = z.strictObject({
  amount: intBetween(0, MAX_PRICE_AMOUNT),
  currency: z.literal(SHOP_CURRENCY),
});

export const productIdPath = z.object({ id: z.uuid() });

// Every list route pages the same way (api.md "Lists"): `limit` 1..100, default 20, opaque cursor.
const pageLimit = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20);
const pageCursor = z.optional(z.string().check(z.minLength(1), z.maxLength(200)));

export const listProductsQuery = z.object({
  limit: pageLimit,
  cursor: pageCursor,
  category: z.optional(text(PRODUCT_LIMITS.categoryMaxLength)),
  q: z.optional(text(200)),
  status: z.optional(z.enum(['active', 'archived'])),
});

export const createProductBody = z.strictObject({
  sku: z.string().check(z.regex(SKU_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')),
  name: text(PRODUCT_LIMITS.nameMaxLength),
  description: z.optional(z.string().check(z.maxLength(PRODUCT_LIMITS.descriptionMaxLength))),
  category: text(PRODUCT_LIMITS.categoryMaxLength),
  price: moneySchema,
  stock: z._default(stockLevel, 0),
  lowStockThreshold: z._default(stockLevel, PRODUCT_LIMITS.defaultLowStockThreshold),
});

export const updateProductBody = z
  .strictObject({
    name: z.optional(text(PRODUCT_LIMITS.nameMaxLength)),
    description: z.optional(z.string().check(z.maxLength(PRODUCT_LIMITS.descriptionMaxLength))),
    category: z.optional(text(PRODUCT_LIMITS.categoryMaxLength)),
    price: z.optional(moneySchema),
    lowStockThreshold: z.optional(stockLevel),
    images: z.optional(
      z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(
        z.maxLength(PRODUCT_LIMITS.maxImages),
        z.refine((keys) => new Set(keys).size === keys.length, 'must not repeat a key'),
      ),
    ),
  })
  .check(z.refine((body) => Object.keys(body).length > 0, 'at least one field must change'));

export const stockAdjustmentBody = z.strictObject({
  delta: intBetween(-MAX_STOCK_DELTA, MAX_STOCK_DELTA).check(
    z.refine((delta) => delta !== 0, 'must not be 0'),
  ),
  reason: z.enum(STOCK_ADJUSTMENT_REASONS),
  note: z.optional(z.string().check(z.maxLength(500))),
});

export const imageUploadBody = z.strictObject({
  contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  contentLength: intBetween(1, 5_242_880),
});

/** `GET /products/{id}/stock-history`: paging only; unknown parameters are ignored as elsewhere. */
export const stockHistoryQuery = z.object({ limit: pageLimit, cursor: pageCursor });
