import { type Kysely, sql } from 'kysely';

// Issue 5: what the stock stream feeds.
// - stock_ledger (written by inventory-stream, read by catalog's stock history): one row per
//   StockChanged event, keyed by the event id, so a redelivered event is a no-op.
// - stock_alerts (inventory-stream): the alert a ledger row raised, written in the same statement
//   as the row and published to SNS afterwards; `published_at` stays null until SNS accepted it,
//   so an SNS outage delays an alert but never loses it (a redelivered batch publishes it again).
// - stock_subscriptions (catalog writes, notifier fulfils): "email me when it is back in stock";
//   at most one open subscription per customer and product.
// - notification_deliveries (notifier): one row per alert and recipient once SES accepted the
//   email, so a retried message never sends it twice.
// No foreign keys from the ledger: it records what the stream said, in stream order, and must
// never refuse an event.

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table stock_ledger (
      event_id uuid primary key,
      seq bigint generated always as identity unique,
      product_id uuid not null,
      delta integer not null,
      reason text not null,
      previous_stock integer not null,
      new_stock integer not null,
      order_id uuid,
      correlation_id text not null,
      occurred_at timestamptz not null,
      recorded_at timestamptz not null default now()
    )`.execute(db);
  // Stock history: newest first per product, paginated by seq.
  await sql`create index stock_ledger_product_seq on stock_ledger (product_id, seq desc)`.execute(db);

  await sql`
    create table stock_alerts (
      id uuid primary key,
      event_id uuid not null references stock_ledger (event_id),
      product_id uuid not null,
      type text not null check (type in ('LowStock', 'OutOfStock', 'BackInStock')),
      payload jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz,
      constraint stock_alerts_one_per_event unique (event_id)
    )`.execute(db);
  await sql`create index stock_alerts_unpublished on stock_alerts (created_at) where published_at is null`.execute(
    db,
  );

  await sql`
    create table stock_subscriptions (
      id uuid primary key,
      product_id uuid not null references products (id),
      customer_id uuid not null,
      email text not null check (char_length(email) between 3 and 254),
      created_at timestamptz not null default now(),
      fulfilled_at timestamptz,
      fulfilled_by_alert uuid
    )`.execute(db);
  await sql`
    create unique index stock_subscriptions_open
      on stock_subscriptions (product_id, customer_id) where fulfilled_at is null`.execute(db);

  await sql`
    create table notification_deliveries (
      alert_id uuid not null,
      recipient text not null,
      subscription_id uuid,
      provider_message_id text,
      sent_at timestamptz not null default now(),
      primary key (alert_id, recipient)
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_deliveries').execute();
  await db.schema.dropTable('stock_subscriptions').execute();
  await db.schema.dropTable('stock_alerts').execute();
  await db.schema.dropTable('stock_ledger').execute();
}
