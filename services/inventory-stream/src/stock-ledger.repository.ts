// The stock ledger and the alerts its rows raise (tables of migration 2026-11-26T0005_stock_stream).
// Plain functions taking `db` first; rows never leave this module, callers get domain types.
import type { ProductVersion } from '@shop/catalog-cache';
import type { Database } from '@shop/db';
import type { StockAlert, StockChanged } from '@shop/domain';
import { type Kysely, sql } from 'kysely';

/** One event of a batch, in stream order, with the alert it raises if it is recorded now. */
export interface StockChangeToRecord {
  readonly event: StockChanged;
  /**
   * The `stock-alerts` message this event raises (null: it crosses nothing). Its `name` is only a
   * fallback (the sku): the statement puts the product's current name in when the product exists.
   */
  readonly alert: StockAlert | null;
}

/** An alert that SNS has not accepted yet. */
export interface PendingAlert {
  /** The event that raised it: its record fails when publishing it fails. */
  readonly eventId: string;
  readonly alert: StockAlert;
}

export interface RecordedBatch {
  /**
   * Alerts of this batch's events still unpublished, in stream order: raised now, or left by an
   * earlier failed attempt.
   */
  readonly pendingAlerts: readonly PendingAlert[];
  /** The current version of every product of the batch that exists, for cache invalidation. */
  readonly products: readonly ProductVersion[];
}

interface RecordedRow {
  alerts: { eventId: string; payload: StockAlert }[];
  products: ProductVersion[];
}

/**
 * Records a batch of events in ONE round trip (one statement, atomic on its own):
 * 1. ledger rows for every event, in stream order (`seq` follows `position`), `on conflict (event_id)
 *    do nothing`, so a redelivered event records nothing;
 * 2. for the rows actually inserted that raise an alert, an alert row (`stock_alerts_one_per_event`
 *    keeps it to one per event);
 * 3. returns the batch's unpublished alerts and its products' versions.
 * Data-modifying CTEs all see the snapshot taken before the statement: the `stock_alerts` scan in
 * `pending` cannot see the rows `raised` inserts, which is why both are unioned, and they cannot
 * overlap (a just-recorded event had no alert before). Duplicate event ids in one call are the
 * caller's to remove.
 */
export const recordStockChanges = async (
  db: Kysely<Database>,
  changes: readonly StockChangeToRecord[],
): Promise<RecordedBatch> => {
  if (changes.length === 0) return { pendingAlerts: [], products: [] };
  const column = <T>(pick: (change: StockChangeToRecord) => T): T[] => changes.map(pick);
  const { rows } = await sql<RecordedRow>`
    with input as (
      select *
      from unnest(
        ${column((c) => c.event.id)}::uuid[],
        ${column((c) => c.event.productId)}::uuid[],
        ${column((c) => c.event.delta)}::integer[],
        ${column((c) => c.event.reason)}::text[],
        ${column((c) => c.event.previousStock)}::integer[],
        ${column((c) => c.event.newStock)}::integer[],
        ${column((c) => c.event.orderId ?? null)}::uuid[],
        ${column((c) => c.event.correlationId)}::text[],
        ${column((c) => c.event.occurredAt)}::timestamptz[],
        ${column((c) => c.alert?.id ?? null)}::uuid[],
        ${column((c) => c.alert?.type ?? null)}::text[],
        ${column((c) => (c.alert ? JSON.stringify(c.alert) : null))}::jsonb[]
      ) with ordinality as i (
        event_id, product_id, delta, reason, previous_stock, new_stock, order_id, correlation_id,
        occurred_at, alert_id, alert_type, alert_payload, position
      )
    ),
    recorded as (
      insert into stock_ledger (
        event_id, product_id, delta, reason, previous_stock, new_stock, order_id, correlation_id, occurred_at
      )
      select event_id, product_id, delta, reason, previous_stock, new_stock, order_id, correlation_id, occurred_at
      from input
      order by position
      on conflict (event_id) do nothing
      returning event_id
    ),
    raised as (
      insert into stock_alerts (id, event_id, product_id, type, payload)
      select i.alert_id, i.event_id, i.product_id, i.alert_type,
        case when p.name is null then i.alert_payload
             else i.alert_payload || jsonb_build_object('name', p.name) end
      from input i
      join recorded r on r.event_id = i.event_id
      left join products p on p.id = i.product_id
      where i.alert_id is not null
      order by i.position
      returning event_id, payload
    ),
    pending as (
      select event_id, payload from raised
      union all
      select a.event_id, a.payload
      from stock_alerts a
      where a.event_id in (select event_id from input) and a.published_at is null
    )
    select
      (select coalesce(
           jsonb_agg(jsonb_build_object('eventId', p.event_id, 'payload', p.payload) order by i.position),
           '[]'::jsonb)
         from pending p join input i on i.event_id = p.event_id) as alerts,
      (select coalesce(jsonb_agg(jsonb_build_object('id', id, 'version', version)), '[]'::jsonb)
         from products where id in (select product_id from input)) as products
  `.execute(db);
  const row = rows[0];
  if (!row) throw new Error('recording stock changes returned no row');
  return {
    pendingAlerts: row.alerts.map(({ eventId, payload }) => ({ eventId, alert: payload })),
    products: row.products,
  };
};

/** Marks alerts SNS accepted, in one statement. */
export const markAlertsPublished = async (
  db: Kysely<Database>,
  alertIds: readonly string[],
): Promise<void> => {
  if (alertIds.length === 0) return;
  await db
    .updateTable('stock_alerts')
    .set({ published_at: sql<Date>`now()` })
    .where('id', '=', sql<string>`any(${[...alertIds]}::uuid[])`)
    .where('published_at', 'is', null)
    .execute();
};

/** The ledger as the service uses it. */
export interface StockLedger {
  record(changes: readonly StockChangeToRecord[]): Promise<RecordedBatch>;
  markPublished(alertIds: readonly string[]): Promise<void>;
}

export const createStockLedger = (db: Kysely<Database>): StockLedger => ({
  record: (changes) => recordStockChanges(db, changes),
  markPublished: (alertIds) => markAlertsPublished(db, alertIds),
});
