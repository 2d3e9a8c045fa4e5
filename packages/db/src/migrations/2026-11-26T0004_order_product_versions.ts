import { type Kysely, sql } from 'kysely';

// `place_order` and `cancel_order` (2026-11-26T0003_orders) as before, plus the products' versions
// after the change in their result: `productVersions: [{ "id", "version" }]`, ordered by id. Orders
// uses them after the commit to invalidate the catalog's Redis cache exactly (a tombstone with the
// new version, which a reader still holding an older version cannot overwrite). Everything else is
// unchanged: same arguments, outcomes, locking order and events. The orders repository strips the
// field from the order it answers.
//
// `create or replace` keeps the signatures, so nothing that calls them changes. `down` answers
// without the field again (the bodies still compute it; the result is what 0003 answered).

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> (see 0003)
export async function up(db: Kysely<any>): Promise<void> {
  await placeOrder(db, true);
  await cancelOrder(db, true);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  await placeOrder(db, false);
  await cancelOrder(db, false);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
async function placeOrder(db: Kysely<any>, withVersions: boolean): Promise<void> {
  const placed = withVersions
    ? sql`return jsonb_build_object('outcome', 'placed', 'order', v_order, 'productVersions', v_versions);`
    : sql`return jsonb_build_object('outcome', 'placed', 'order', v_order);`;
  await sql`
    create or replace function place_order(
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
      v_versions jsonb;
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

      -- 3. Lock the basket's products in a fixed order (see 0003), then take the stock of every
      --    line that still has enough and write one event per product.
      perform 1 from products p where p.id = any (v_ids) order by p.id for no key update;
      with taken as (
        update products p
           set stock = p.stock - r.quantity, version = p.version + 1, updated_at = v_now
          from unnest(v_ids, v_quantities) as r(product_id, quantity)
         where p.id = r.product_id and p.status = 'active' and p.stock >= r.quantity
        returning p.id, p.sku, p.low_stock_threshold, p.stock as new_stock, p.version, r.quantity
      ), events as (
        insert into outbox (id, partition_key, type, payload)
        select e.event_id, e.id::text, 'StockChanged',
               stock_changed_event(e.event_id, v_now, e.id, e.sku, e.new_stock + e.quantity, e.new_stock,
                                   e.low_stock_threshold, 'order', p_order_id, p_correlation_id)
          from (select gen_random_uuid() as event_id, t.* from taken t order by t.id) e
      )
      select array_agg(t.id), jsonb_agg(jsonb_build_object('id', t.id, 'version', t.version) order by t.id)
        into v_taken, v_versions
        from taken t;

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

      ${placed}
    end
    $$`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
async function cancelOrder(db: Kysely<any>, withVersions: boolean): Promise<void> {
  const cancelled = withVersions
    ? sql`return jsonb_build_object('outcome', 'cancelled',
                                    'order', (select order_json(o) from orders o where o.id = p_order_id),
                                    'productVersions', v_versions);`
    : sql`return jsonb_build_object('outcome', 'cancelled',
                                    'order', (select order_json(o) from orders o where o.id = p_order_id));`;
  await sql`
    create or replace function cancel_order(p_order_id uuid, p_actor_customer_id uuid, p_correlation_id text)
    returns jsonb
    language plpgsql as $$
    declare
      v_order orders;
      v_versions jsonb;
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
        returning p.id, p.sku, p.low_stock_threshold, p.stock as new_stock, p.version, i.quantity
      ), cancelled as (
        update orders set status = 'cancelled', updated_at = v_now where id = p_order_id
      ), events as (
        insert into outbox (id, partition_key, type, payload)
        select e.event_id, e.id::text, 'StockChanged',
               stock_changed_event(e.event_id, v_now, e.id, e.sku, e.new_stock - e.quantity, e.new_stock,
                                   e.low_stock_threshold, 'cancellation', p_order_id, p_correlation_id)
          from (select gen_random_uuid() as event_id, r.* from returned r order by r.id) e
      )
      select coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'version', r.version) order by r.id), '[]'::jsonb)
        into v_versions
        from returned r;

      ${cancelled}
    end
    $$`.execute(db);
}
