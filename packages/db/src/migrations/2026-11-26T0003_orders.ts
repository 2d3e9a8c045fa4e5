import { type Kysely, sql } from 'kysely';

// Orders and their lines, plus the database functions that place and cancel an order in ONE round
// trip each. Why functions: placing an order must lock every product of the basket, check it is
// sold and in stock, decrement it, insert the order, its lines and one outbox event per product,
// all or nothing. Done from the client that is 6+ round trips with row locks held across each of
// them; inside the database it is one call, and the locks live only as long as the statement.
//
// Deadlocks: every function that locks products locks them `ORDER BY id`, so two baskets holding
// the same products ({A,B} and {B,A}) queue behind each other instead of waiting on each other.
// `cancel_order` locks the order row first, then its products in id order; `place_order` never
// locks an existing order row, so no cycle is possible. Row locks last only until the function's
// statement commits: none is ever held while a client thinks.
//
// The stock rule is checked here and backed up by `products.stock >= 0` (catalog migration).

// Migrations run on Kysely<any>: they describe the schema at their point in time, not today's types.
// biome-ignore lint/suspicious/noExplicitAny: see above
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table orders (
      id uuid primary key,
      -- Monotonic insertion order: "newest first" and the pagination cursor.
      seq bigint generated always as identity unique,
      -- The customer's Cognito sub.
      customer_id uuid not null,
      status text not null default 'placed'
        check (status in ('placed', 'shipped', 'delivered', 'cancelled')),
      -- 50 lines x 100 units x 100,000,000 does not fit an integer.
      total_amount bigint not null check (total_amount >= 0),
      currency char(3) not null,
      shipping_address jsonb not null check (jsonb_typeof(shipping_address) = 'object'),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  // A customer's orders, newest first (optionally by status: a filter on the same index range).
  await sql`create index orders_customer_seq on orders (customer_id, seq desc)`.execute(db);
  // Admin filter by status, newest first. "All orders newest first" uses the unique index on seq.
  await sql`create index orders_status_seq on orders (status, seq desc)`.execute(db);

  await sql`
    create table order_items (
      order_id uuid not null references orders (id) on delete cascade,
      -- No foreign key to products, on purpose: its check takes a KEY SHARE lock on the product row,
      -- and on a hot product every concurrent order would then share that row's lock through a
      -- MultiXact with the one updating its stock. place_order copies the id from products, and
      -- products are never deleted (archived only).
      product_id uuid not null,
      -- Position in the basket as placed: lines are shown in the customer's order.
      line_no smallint not null check (line_no between 0 and 49),
      sku text not null,
      name text not null,
      quantity integer not null check (quantity between 1 and 100),
      unit_price_amount integer not null check (unit_price_amount >= 0),
      line_total_amount bigint not null check (line_total_amount = unit_price_amount::bigint * quantity),
      primary key (order_id, product_id)
    )`.execute(db);
  // Which orders hold a product (archiving, support questions).
  await sql`create index order_items_product on order_items (product_id)`.execute(db);

  // The order as one JSON document (snake_case, as stored; the orders repository maps it to the
  // domain Order). Shared by placement, cancellation and the reads, so all of them answer the same.
  await sql`
    create function order_json(o orders) returns jsonb
    language sql stable as $$
      select jsonb_build_object(
        'id', o.id,
        'seq', o.seq::text,
        'customer_id', o.customer_id,
        'status', o.status,
        'currency', o.currency,
        'total_amount', o.total_amount,
        'shipping_address', o.shipping_address,
        'created_at', o.created_at,
        'updated_at', o.updated_at,
        'items', coalesce(
          (select jsonb_agg(jsonb_build_object(
                    'product_id', i.product_id, 'sku', i.sku, 'name', i.name, 'quantity', i.quantity,
                    'unit_price_amount', i.unit_price_amount, 'line_total_amount', i.line_total_amount)
                  order by i.line_no)
             from order_items i where i.order_id = o.id),
          '[]'::jsonb))
    $$`.execute(db);

  // The StockChanged event of api.md (schemaVersion 1) for one product whose stock moved.
  await sql`
    create function stock_changed_event(
      p_event_id uuid, p_occurred_at timestamptz, p_product_id uuid, p_sku text,
      p_previous_stock integer, p_new_stock integer, p_low_stock_threshold integer,
      p_reason text, p_order_id uuid, p_correlation_id text
    ) returns jsonb
    language sql stable as $$
      select jsonb_build_object(
        'schemaVersion', 1,
        'id', p_event_id,
        'type', 'StockChanged',
        'occurredAt', to_char(p_occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'productId', p_product_id,
        'sku', p_sku,
        'previousStock', p_previous_stock,
        'newStock', p_new_stock,
        'delta', p_new_stock - p_previous_stock,
        'lowStockThreshold', p_low_stock_threshold,
        'reason', p_reason,
        'orderId', p_order_id,
        'correlationId', p_correlation_id)
    $$`.execute(db);

  // Places an order in one call. p_items: [{ "productId": uuid, "quantity": int }, ...] (the
  // service has validated shape, limits and distinctness). Returns one of
  //   { "outcome": "placed", "order": <order document> }
  //   { "outcome": "unknown_products", "lines": [{ "index", "productId" }] }  (unknown or archived)
  //   { "outcome": "insufficient_stock", "lines": [{ "productId", "requested", "available" }] }
  // and changes nothing unless placed. When the stock runs out between the check and the lock, it
  // RAISES SQLSTATE 'SHOP1' with the same JSON (unknown_products / insufficient_stock) as DETAIL:
  // raising is what undoes the order rows already inserted, without a subtransaction per call.
  //
  // The product rows are locked as LATE as possible: reading prices, checking and inserting the
  // order and its lines happen before, so on a hot product the lock is held only for the stock
  // update, the outbox insert and the commit.
  await sql`
    create function place_order(
      p_order_id uuid, p_customer_id uuid, p_items jsonb, p_shipping jsonb, p_correlation_id text
    ) returns jsonb
    language plpgsql as $$
    declare
      v_ids uuid[];
      v_quantities integer[];
      v_unknown jsonb;
      v_short jsonb;
      v_distinct integer;
      v_order jsonb;
      v_taken uuid[];
      v_now timestamptz := now();
    begin
      -- 1. Parse the basket and check it against the catalog as of now (no locks yet).
      select array_agg(b.product_id order by b.n), array_agg(b.quantity order by b.n),
             count(distinct b.product_id),
             jsonb_agg(jsonb_build_object('index', b.n - 1, 'productId', b.product_id) order by b.n)
               filter (where p.id is null or p.status <> 'active'),
             jsonb_agg(jsonb_build_object('productId', b.product_id, 'requested', b.quantity, 'available', p.stock)
                       order by b.n)
               filter (where p.status = 'active' and p.stock < b.quantity)
        into v_ids, v_quantities, v_distinct, v_unknown, v_short
        from rows from (jsonb_to_recordset(p_items) as ("productId" uuid, quantity integer))
               with ordinality as b(product_id, quantity, n)
        left join products p on p.id = b.product_id;
      if v_ids is null or cardinality(v_ids) <> v_distinct then
        raise exception 'place_order: the basket is empty or repeats a product' using errcode = '22023';
      end if;
      if v_unknown is not null then
        return jsonb_build_object('outcome', 'unknown_products', 'lines', v_unknown);
      end if;
      -- Every short line, not just the first: the customer fixes the basket once.
      if v_short is not null then
        return jsonb_build_object('outcome', 'insufficient_stock', 'lines', v_short);
      end if;

      -- 2. The order and its lines, at the catalog's prices as read by this statement.
      with basket as (
        select r.product_id, r.quantity, (r.n - 1)::smallint as line_no, p.sku, p.name, p.price_amount,
               p.currency, p.price_amount::bigint * r.quantity as line_total
          from unnest(v_ids, v_quantities) with ordinality as r(product_id, quantity, n)
          join products p on p.id = r.product_id
      ), new_order as (
        insert into orders (id, customer_id, status, total_amount, currency, shipping_address, created_at, updated_at)
        select p_order_id, p_customer_id, 'placed', sum(b.line_total), min(b.currency), p_shipping, v_now, v_now
          from basket b
        returning *
      ), new_items as (
        insert into order_items (order_id, product_id, line_no, sku, name, quantity, unit_price_amount, line_total_amount)
        select p_order_id, b.product_id, b.line_no, b.sku, b.name, b.quantity, b.price_amount, b.line_total
          from basket b
      )
      select jsonb_build_object(
               'id', o.id, 'seq', o.seq::text, 'customer_id', o.customer_id, 'status', o.status,
               'currency', o.currency, 'total_amount', o.total_amount, 'shipping_address', o.shipping_address,
               'created_at', o.created_at, 'updated_at', o.updated_at,
               'items', (select jsonb_agg(jsonb_build_object(
                                 'product_id', b.product_id, 'sku', b.sku, 'name', b.name, 'quantity', b.quantity,
                                 'unit_price_amount', b.price_amount, 'line_total_amount', b.line_total)
                               order by b.line_no)
                           from basket b))
        into v_order
        from new_order o;

      -- 3. Lock the basket's products in a fixed order (see the top of this migration), then take
      --    the stock of every line that still has enough and write one event per product.
      perform 1 from products p where p.id = any (v_ids) order by p.id for no key update;
      with taken as (
        update products p
           set stock = p.stock - r.quantity, version = p.version + 1, updated_at = v_now
          from unnest(v_ids, v_quantities) as r(product_id, quantity)
         where p.id = r.product_id and p.status = 'active' and p.stock >= r.quantity
        returning p.id, p.sku, p.low_stock_threshold, p.stock as new_stock, r.quantity
      ), events as (
        insert into outbox (id, partition_key, type, payload)
        select e.event_id, e.id::text, 'StockChanged',
               stock_changed_event(e.event_id, v_now, e.id, e.sku, e.new_stock + e.quantity, e.new_stock,
                                   e.low_stock_threshold, 'order', p_order_id, p_correlation_id)
          from (select gen_random_uuid() as event_id, t.* from taken t order by t.id) e
      )
      select array_agg(t.id) into v_taken from taken t;

      if coalesce(cardinality(v_taken), 0) < cardinality(v_ids) then
        -- Someone took the stock (or archived a product) since step 1: undo everything.
        select jsonb_agg(jsonb_build_object('index', r.n - 1, 'productId', r.product_id) order by r.n)
                 filter (where p.status <> 'active'),
               jsonb_agg(jsonb_build_object('productId', r.product_id, 'requested', r.quantity, 'available', p.stock)
                         order by r.n)
                 filter (where p.status = 'active')
          into v_unknown, v_short
          from unnest(v_ids, v_quantities) with ordinality as r(product_id, quantity, n)
          join products p on p.id = r.product_id
         where not (r.product_id = any (coalesce(v_taken, '{}')));
        raise exception 'place_order: refused under lock' using errcode = 'SHOP1', detail = (
          case when v_unknown is not null
               then jsonb_build_object('outcome', 'unknown_products', 'lines', v_unknown)
               else jsonb_build_object('outcome', 'insufficient_stock', 'lines', v_short) end)::text;
      end if;

      return jsonb_build_object('outcome', 'placed', 'order', v_order);
    end
    $$`.execute(db);

  // Cancels an order in one call: restocks every line, marks it cancelled and writes one
  // StockChanged (reason 'cancellation') per product. p_actor_customer_id null = an admin (any
  // order); otherwise only that customer's order is found. Returns one of
  //   { "outcome": "cancelled" | "unchanged", "order": <order_json> }
  //   { "outcome": "not_found" }
  //   { "outcome": "not_cancellable", "status": "shipped" | "delivered" }
  await sql`
    create function cancel_order(p_order_id uuid, p_actor_customer_id uuid, p_correlation_id text)
    returns jsonb
    language plpgsql as $$
    declare
      v_order orders;
      v_now timestamptz := now();
    begin
      select * into v_order from orders o
       where o.id = p_order_id and (p_actor_customer_id is null or o.customer_id = p_actor_customer_id)
         for update;
      if not found then
        return jsonb_build_object('outcome', 'not_found');
      end if;
      if v_order.status = 'cancelled' then
        return jsonb_build_object('outcome', 'unchanged', 'order', order_json(v_order));
      end if;
      if v_order.status <> 'placed' then
        return jsonb_build_object('outcome', 'not_cancellable', 'status', v_order.status);
      end if;

      perform 1 from products p
       where p.id in (select i.product_id from order_items i where i.order_id = p_order_id)
       order by p.id for no key update;

      with returned as (
        update products p
           set stock = p.stock + i.quantity, version = p.version + 1, updated_at = v_now
          from order_items i
         where i.order_id = p_order_id and p.id = i.product_id
        returning p.id, p.sku, p.low_stock_threshold, p.stock as new_stock, i.quantity
      ), cancelled as (
        update orders set status = 'cancelled', updated_at = v_now where id = p_order_id
      )
      insert into outbox (id, partition_key, type, payload)
      select e.event_id, e.id::text, 'StockChanged',
             stock_changed_event(e.event_id, v_now, e.id, e.sku, e.new_stock - e.quantity, e.new_stock,
                                 e.low_stock_threshold, 'cancellation', p_order_id, p_correlation_id)
        from (select gen_random_uuid() as event_id, r.* from returned r order by r.id) e;

      return jsonb_build_object('outcome', 'cancelled',
                                'order', (select order_json(o) from orders o where o.id = p_order_id));
    end
    $$`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function cancel_order(uuid, uuid, text)`.execute(db);
  await sql`drop function place_order(uuid, uuid, jsonb, jsonb, text)`.execute(db);
  await sql`drop function stock_changed_event(uuid, timestamptz, uuid, text, integer, integer, integer, text, uuid, text)`.execute(
    db,
  );
  await sql`drop function order_json(orders)`.execute(db);
  await db.schema.dropTable('order_items').execute();
  await db.schema.dropTable('orders').execute();
}
