// Request schemas of the catalog routes (api.md). Write bodies are strict: unknown fields are 400.
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
import { idPath, intBetween, multilineText, page, plainString, text } from './fields';

const stockLevel = intBetween(0, PRODUCT_LIMITS.maxStock);

export const moneySchema = z.strictObject({
  amount: intBetween(0, MAX_PRICE_AMOUNT),
  currency: z.literal(SHOP_CURRENCY),
});

export const productIdPath = idPath;

export const listProductsQuery = z.object({
  ...page,
  category: z.optional(text(PRODUCT_LIMITS.categoryMaxLength)),
  q: z.optional(text(200)),
  status: z.optional(z.enum(['active', 'archived'])),
});

export const createProductBody = z.strictObject({
  sku: z.string().check(z.regex(SKU_PATTERN, 'must be 1-64 characters of A-Z a-z 0-9 . _ -')),
  name: text(PRODUCT_LIMITS.nameMaxLength),
  description: z.optional(multilineText(PRODUCT_LIMITS.descriptionMaxLength)),
  category: text(PRODUCT_LIMITS.categoryMaxLength),
  price: moneySchema,
  stock: z._default(stockLevel, 0),
  lowStockThreshold: z._default(stockLevel, PRODUCT_LIMITS.defaultLowStockThreshold),
});

export const updateProductBody = z
  .strictObject({
    name: z.optional(text(PRODUCT_LIMITS.nameMaxLength)),
    description: z.optional(multilineText(PRODUCT_LIMITS.descriptionMaxLength)),
    category: z.optional(text(PRODUCT_LIMITS.categoryMaxLength)),
    price: z.optional(moneySchema),
    lowStockThreshold: z.optional(stockLevel),
    images: z.optional(
      z.array(plainString(1, 300)).check(
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
  note: z.optional(multilineText(500)),
});

/** The image types an upload may declare (api.md), and the largest upload in bytes. */
export const IMAGE_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_IMAGE_BYTES = 5_242_880;

export const imageUploadBody = z.strictObject({
  contentType: z.enum(IMAGE_CONTENT_TYPES),
  contentLength: intBetween(1, MAX_IMAGE_BYTES),
});

/** `GET /products/{id}/stock-history`: paging only; unknown parameters are ignored as elsewhere. */
export const stockHistoryQuery = z.object(page);
