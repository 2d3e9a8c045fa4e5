// The schema's own checks back up the domain rules, whatever code writes to it.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDb, isUniqueViolation } from '../../src/connection';
import { migrateToLatest } from '../../src/migrator';

const db = createDb({ url: inject('databaseUrl') }, { max: 1 });
afterAll(() => db.destroy());

const row = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  sku: `SCHEMA-${randomUUID().slice(0, 8)}`,
  name: 'n',
  description: '',
  category: 'c',
  price_amount: 1,
  currency: 'USD',
  stock: 0,
  low_stock_threshold: 0,
  status: 'active' as const,
  images: '[]',
  ...overrides,
});

describe('schema', () => {
  it('is already at the latest migration, and migrating again applies nothing', async () => {
    expect(await migrateToLatest(inject('databaseUrl'))).toEqual([]);
  });

  it.each([
    ['negative stock', { stock: -1 }],
    ['a negative price', { price_amount: -1 }],
    ['a malformed sku', { sku: 'has space' }],
    ['an unknown status', { status: 'deleted' }],
    ['an empty name', { name: '' }],
  ])('refuses %s', async (_, overrides) => {
    await expect(
      db
        .insertInto('products')
        .values(row(overrides) as never)
        .execute(),
    ).rejects.toThrow(/violates check constraint/);
  });

  it('keeps skus unique and names the constraint', async () => {
    const first = row();
    await db.insertInto('products').values(first).execute();
    const error = await db
      .insertInto('products')
      .values(row({ sku: first.sku }))
      .execute()
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error, 'products_sku_key')).toBe(true);
  });

  it('will not let an update take stock below zero', async () => {
    const product = row({ stock: 1 });
    await db.insertInto('products').values(product).execute();
    await expect(
      sql`update products set stock = stock - 2 where id = ${product.id}`.execute(db),
    ).rejects.toThrow(/check constraint/);
  });
});
