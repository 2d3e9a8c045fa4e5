import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors';
import { assertImageKeysBelongTo, isSku, isVisibleTo } from '../../src/product';

const productId = '6f1c1d7e-8d0b-4a43-9d7b-2b7a8c3e4f50';

describe('sku', () => {
  it.each(['TSHIRT-RED-M', 'a.b_c-1', 'x'.repeat(64)])('accepts %s', (sku) => {
    expect(isSku(sku)).toBe(true);
  });

  it.each(['', 'has space', 'x'.repeat(65), "x'; drop table products;--", 'ünï'])('rejects %s', (sku) => {
    expect(isSku(sku)).toBe(false);
  });
});

describe('visibility', () => {
  it('hides archived products from everyone but admins', () => {
    expect(isVisibleTo({ status: 'archived' }, { isAdmin: false })).toBe(false);
    expect(isVisibleTo({ status: 'archived' }, { isAdmin: true })).toBe(true);
    expect(isVisibleTo({ status: 'active' }, { isAdmin: false })).toBe(true);
  });
});

describe('image keys', () => {
  it('accepts keys under the product prefix', () => {
    expect(() => assertImageKeysBelongTo(productId, [`products/${productId}/a.jpg`])).not.toThrow();
  });

  it('names each key that belongs elsewhere', () => {
    try {
      assertImageKeysBelongTo(productId, [
        `products/${productId}/ok.png`,
        'products/other/x.png',
        `products/${productId}/../x.png`,
      ]);
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details?.map((d) => d.path)).toEqual(['images.1', 'images.2']);
    }
  });
});
