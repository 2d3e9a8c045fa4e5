import { type Kysely, sql } from 'kysely';

// Per-customer limits on order writes (api.md: 429 RATE_LIMITED with Retry-After, nothing changed),
// enforced inside the write's own transaction so that they hold under any concurrency and a refused
// write changes nothing, not even a counter:
//
// - `customer_order_writes`: one row per accepted order write (placement, or a cancellation by the
//   customer), kept for one window; a customer may make `p_max_writes` in any window.
// - open orders: a customer may have `p_max_open_orders` orders in status `placed` at once.
//
// `place_customer_order` / `cancel_customer_order` wrap `place_order` / `cancel_order` (0003/0004,
// unchanged) and are still ONE round trip each. They first take a transaction-scoped advisory lock
// on the customer, so a customer's concurrent writes are decided one at a time (50 at once cannot
// all see room for one more); other customers are not held up. Lock order is customer, then
// products (by id), on every path, so no deadlock is added. Admin cancellations (no actor) are not
// limited. The limits are arguments: stage parameters read by the orders service's config.
//
// Also: products' text columns refuse control characters (the HTTP schemas already do; this keeps
// any other writer from storing them). Description may hold tab and newline.

/** First key of the two-key advisory lock space of per-customer limits ("lmts" in ASCII). */
export const CUSTOMER_LIMIT_LOCK_CLASS = 0x6c6d7473;

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table products
      add constraint products_name_printable check (name !~ '[\\x01-\\x1f\\x7f]'),
      add constraint products_category_printable check (category !~ '[\\x01-\\x1f\\x7f]'),
      add constraint products_description_printable check (description !~ '[\\x01-\\x08\\x0b-\\x1f\\x7f]')
  `.execute(db);

  await sql`
    create table customer_order_writes (
      customer_id uuid not null,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index customer_order_writes_customer_at on customer_order_writes (customer_id, at)`.execute(
    db,
  );
  // "Open orders of one customer" without reading their whole history.
  await sql`create index orders_open_by_customer on orders (customer_id) where status = 'placed'`.execute(db);

  // Null when the customer may write now, else the seconds until their oldest write in the window
  // leaves it. Takes the customer's lock; writes nothing.
  await sql`
    create function customer_write_retry_after(p_customer_id uuid, p_max_writes integer, p_window_seconds integer)
    returns integer
    language plpgsql as $$
    declare
      v_count integer;
      v_oldest timestamptz;
    begin
      perform pg_advisory_xact_lock(${sql.lit(CUSTOMER_LIMIT_LOCK_CLASS)}, hashtext(p_customer_id::text));
      select count(*), min(w.at) into v_count, v_oldest
        from customer_order_writes w
       where w.customer_id = p_customer_id and w.at > now() - make_interval(secs => p_window_seconds);
      if v_count < p_max_writes then
        return null;
      end if;
      return greatest(1, ceil(extract(epoch from v_oldest + make_interval(secs => p_window_seconds) - now())))::integer;
    end
    $$`.execute(db);

  // Records an accepted write and forgets the customer's writes that left the window.
  await sql`
    create function record_customer_write(p_customer_id uuid, p_window_seconds integer)
    returns void
    language sql as $$
      delete from customer_order_writes
       where customer_id = p_customer_id and at <= now() - make_interval(secs => p_window_seconds);
      insert into customer_order_writes (customer_id, at) values (p_customer_id, now());
    $$`.execute(db);

  // place_order's outcomes, plus { "outcome": "rate_limited", "limit": "writes" | "open_orders",
  // "retryAfter": seconds }.
  await sql`
    create function place_customer_order(
      p_order_id uuid, p_customer_id uuid, p_items jsonb, p_shipping jsonb, p_correlation_id text,
      p_max_open_orders integer, p_max_writes integer, p_window_seconds integer
    ) returns jsonb
    language plpgsql as $$
    declare
      v_retry integer;
      v_open integer;
      v_result jsonb;
    begin
      v_retry := customer_write_retry_after(p_customer_id, p_max_writes, p_window_seconds);
      if v_retry is not null then
        return jsonb_build_object('outcome', 'rate_limited', 'limit', 'writes', 'retryAfter', v_retry);
      end if;
      select count(*) into v_open from orders o where o.customer_id = p_customer_id and o.status = 'placed';
      if v_open >= p_max_open_orders then
        -- Room comes back when an order ships or is cancelled; a window is a fair time to wait.
        return jsonb_build_object('outcome', 'rate_limited', 'limit', 'open_orders', 'retryAfter', p_window_seconds);
      end if;
      v_result := place_order(p_order_id, p_customer_id, p_items, p_shipping, p_correlation_id);
      if v_result->>'outcome' = 'placed' then
        perform record_customer_write(p_customer_id, p_window_seconds);
      end if;
      return v_result;
    end
    $$`.execute(db);

  // cancel_order's outcomes, plus rate_limited (writes) when a customer cancels; admins (no actor)
  // are not limited.
  await sql`
    create function cancel_customer_order(
      p_order_id uuid, p_actor_customer_id uuid, p_correlation_id text, p_max_writes integer, p_window_seconds integer
    ) returns jsonb
    language plpgsql as $$
    declare
      v_retry integer;
      v_result jsonb;
    begin
      if p_actor_customer_id is not null then
        v_retry := customer_write_retry_after(p_actor_customer_id, p_max_writes, p_window_seconds);
        if v_retry is not null then
          return jsonb_build_object('outcome', 'rate_limited', 'limit', 'writes', 'retryAfter', v_retry);
        end if;
      end if;
      v_result := cancel_order(p_order_id, p_actor_customer_id, p_correlation_id);
      if p_actor_customer_id is not null and v_result->>'outcome' = 'cancelled' then
        perform record_customer_write(p_actor_customer_id, p_window_seconds);
      end if;
      return v_result;
    end
    $$`.execute(db);

  // The orders user runs these with its own privileges (security invoker, like place_order).
  await sql`
    do $$
    begin
      if exists (select from pg_roles where rolname = 'orders') then
        grant select, insert, delete on customer_order_writes to orders;
      end if;
    end
    $$`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function cancel_customer_order(uuid, uuid, text, integer, integer)`.execute(db);
  await sql`drop function place_customer_order(uuid, uuid, jsonb, jsonb, text, integer, integer, integer)`.execute(
    db,
  );
  await sql`drop function record_customer_write(uuid, integer)`.execute(db);
  await sql`drop function customer_write_retry_after(uuid, integer, integer)`.execute(db);
  await sql`drop index orders_open_by_customer`.execute(db);
  await sql`drop table customer_order_writes`.execute(db);
  await sql`
    alter table products
      drop constraint products_name_printable,
      drop constraint products_category_printable,
      drop constraint products_description_printable
  `.execute(db);
}
