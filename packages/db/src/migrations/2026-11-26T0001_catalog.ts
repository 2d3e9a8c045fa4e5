import { type Kysely, sql } from 'kysely';

// Migrations run on Kysely<any>: they describe the schema at their point in time, not today's types.
// biome-ignore lint/suspicious/noExplicitAny: see above
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);

  await sql`
    create table products (
      id uuid primary key,
      seq bigint generated always as identity unique,
      sku text not null,
      name text not null check (char_length(name) between 1 and 200),
      description text not null default '' check (char_length(description) <= 5000),
      category text not null check (char_length(category) between 1 and 64),
      price_amount integer not null check (price_amount between 0 and 100000000),
      currency char(3) not null,
      stock integer not null check (stock >= 0),
      low_stock_threshold integer not null check (low_stock_threshold >= 0),
      status text not null default 'active' check (status in ('active', 'archived')),
      images jsonb not null default '[]'::jsonb,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      constraint products_sku_key unique (sku),
      constraint products_sku_format check (sku ~ '^[A-Za-z0-9._-]{1,64}$')
    )`.execute(db);
  // Newest-first listing of active products, optionally by category.
  await sql`create index products_active_seq on products (seq desc) where status = 'active'`.execute(db);
  await sql`create index products_category_seq on products (category, seq desc)`.execute(db);
  // Case-insensitive substring search (`q`) on name and description.
  await sql`create index products_search_trgm on products using gin ((name || ' ' || description) gin_trgm_ops)`.execute(
    db,
  );

  await sql`
    create table stock_adjustments (
      id uuid primary key,
      product_id uuid not null references products (id),
      delta integer not null check (delta <> 0),
      reason text not null,
      note text,
      actor text not null,
      previous_stock integer not null,
      new_stock integer not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index stock_adjustments_product on stock_adjustments (product_id, created_at desc)`.execute(
    db,
  );

  await sql`
    create table outbox (
      id uuid primary key,
      seq bigint generated always as identity unique,
      partition_key text not null,
      type text not null,
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`.execute(db);
  // The relay reads what is not yet published, oldest first.
  await sql`create index outbox_unpublished on outbox (seq) where published_at is null`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox').execute();
  await db.schema.dropTable('stock_adjustments').execute();
  await db.schema.dropTable('products').execute();
}
