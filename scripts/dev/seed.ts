// Seed data for the local shop: 60 products in 6 categories, some at or below their low-stock
// threshold (and a few out of stock) so alerts and filters have something to show.
import { randomUUID } from 'node:crypto';
import { createDb } from '@shop/db';

const CATEGORIES: Record<string, { items: string[]; price: number }> = {
  apparel: {
    items: ['T-shirt', 'Hoodie', 'Cap', 'Socks', 'Jacket', 'Scarf', 'Beanie', 'Polo', 'Shorts', 'Jeans'],
    price: 1999,
  },
  books: {
    items: [
      'Cookbook',
      'Novel',
      'Atlas',
      'Poetry',
      'Biography',
      'Comic',
      'Guide',
      'Manual',
      'Journal',
      'Almanac',
    ],
    price: 1499,
  },
  electronics: {
    items: [
      'Headphones',
      'Charger',
      'Cable',
      'Speaker',
      'Mouse',
      'Keyboard',
      'Webcam',
      'Hub',
      'Lamp',
      'Router',
    ],
    price: 4999,
  },
  garden: {
    items: [
      'Trowel',
      'Gloves',
      'Hose',
      'Planter',
      'Seeds',
      'Shears',
      'Rake',
      'Watering can',
      'Compost',
      'Bench',
    ],
    price: 2499,
  },
  kitchen: {
    items: ['Mug', 'Kettle', 'Knife', 'Pan', 'Spatula', 'Grater', 'Bowl', 'Teapot', 'Whisk', 'Board'],
    price: 1299,
  },
  toys: {
    items: ['Puzzle', 'Kite', 'Yo-yo', 'Robot', 'Blocks', 'Ball', 'Doll', 'Train', 'Drum', 'Frisbee'],
    price: 999,
  },
};
const COLOURS = ['Red', 'Blue', 'Green', 'Black', 'White'];

export interface SeedProduct {
  sku: string;
  name: string;
  description: string;
  category: string;
  priceAmount: number;
  stock: number;
  lowStockThreshold: number;
}

/** Deterministic: the same 60 products every time. Every 7th is low on stock, every 13th out. */
export const seedProducts = (): SeedProduct[] =>
  Object.entries(CATEGORIES).flatMap(([category, { items, price }]) =>
    items.map((item, i) => {
      const n = Object.keys(CATEGORIES).indexOf(category) * items.length + i + 1;
      const colour = COLOURS[n % COLOURS.length]!;
      const stock = n % 13 === 0 ? 0 : n % 7 === 0 ? 3 : 20 + ((n * 37) % 180);
      return {
        sku: `${category.slice(0, 4).toUpperCase()}-${item.replace(/[^A-Za-z]/g, '').toUpperCase()}-${colour.toUpperCase()}`,
        name: `${colour} ${item.toLowerCase()}`,
        description: `A ${colour.toLowerCase()} ${item.toLowerCase()} from our ${category} range.`,
        category,
        priceAmount: price + ((n * 100) % 1500),
        stock,
        lowStockThreshold: 5,
      };
    }),
  );

/** Inserts the seed products into an empty catalog; leaves a catalog with products alone. */
export async function seedCatalog(databaseUrl: string): Promise<{ inserted: number }> {
  const db = createDb({ url: databaseUrl }, { max: 1 });
  try {
    const { count } = await db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .executeTakeFirstOrThrow();
    if (Number(count) > 0) return { inserted: 0 };
    const rows = seedProducts().map((p) => ({
      id: randomUUID(),
      sku: p.sku,
      name: p.name,
      description: p.description,
      category: p.category,
      price_amount: p.priceAmount,
      currency: 'USD',
      stock: p.stock,
      low_stock_threshold: p.lowStockThreshold,
      status: 'active' as const,
      images: '[]',
    }));
    await db.insertInto('products').values(rows).execute();
    return { inserted: rows.length };
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set');
    process.exit(2);
  }
  console.log(await seedCatalog(url));
}
