import { ValidationError } from './errors';
import type { Money } from './money';

/** Field limits of the public contract, shared by the HTTP schemas and the database checks. */
export const PRODUCT_LIMITS = Object.freeze({
  skuMaxLength: 64,
  nameMaxLength: 200,
  descriptionMaxLength: 5000,
  categoryMaxLength: 64,
  // Stock is an int4 column. Admins may set it up to 1e9; the rest of int4's range (~1.1e9) is
  // headroom for cancellations, which always give their units back, so an order can always be
  // cancelled even when an admin restocked to the maximum meanwhile.
  maxStock: 1_000_000_000,
  maxImages: 20,
  defaultLowStockThreshold: 5,
});

export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export type ProductStatus = 'active' | 'archived';

export interface ProductImage {
  readonly key: string;
  readonly url: string;
}

export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly price: Money;
  readonly stock: number;
  readonly lowStockThreshold: number;
  readonly status: ProductStatus;
  readonly images: readonly ProductImage[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const isSku = (value: string): boolean => SKU_PATTERN.test(value);

/** Whether a caller may see a product: archived products are visible to admins only. */
export const isVisibleTo = (product: Pick<Product, 'status'>, viewer: { isAdmin: boolean }): boolean =>
  product.status === 'active' || viewer.isAdmin;

/** The S3 key prefix under which a product's images live; uploads outside it are refused. */
export const productImagePrefix = (productId: string): string => `products/${productId}/`;

export const assertImageKeysBelongTo = (productId: string, keys: readonly string[]): void => {
  const prefix = productImagePrefix(productId);
  const details = keys.flatMap((key, index) =>
    key.startsWith(prefix) && !key.slice(prefix.length).includes('/') && !key.includes('..')
      ? []
      : [{ path: `images.${index}`, message: `must be a key uploaded for this product (${prefix}...)` }],
  );
  if (details.length > 0) throw new ValidationError('Image keys must belong to the product', details);
};
