import type { Database } from '@shop/db';
import type { Kysely, Transaction } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** One row of a product's stock ledger as the admin stock history shows it. */
export interface StockHistoryEntry {
  /** The `StockChanged` event the row records. */
  readonly eventId: string;
  readonly delta: number;
  /** As the event said: `order`, `cancellation`, `restock`, `correction`, `damage` or `return`. */
  readonly reason: string;
  readonly previousStock: number;
  readonly newStock: number;
  /** Set for `order` and `cancellation`. */
  readonly orderId: string | null;
  readonly occurredAt: string;
}

export interface StockHistoryPage {
  readonly entries: StockHistoryEntry[];
  /** `seq` of the last entry when more follow, else null. */
  readonly nextSeq: string | null;
}

/**
 * A product's ledger newest first (insertion order, `seq`), `limit` entries before `beforeSeq`.
 * One round trip on the `(product_id, seq desc)` index: fetches `limit + 1` rows to know whether
 * another page follows.
 */
export const findStockHistory = async (
  db: Db,
  query: { productId: string; beforeSeq: string | undefined; limit: number },
): Promise<StockHistoryPage> => {
  let select = db
    .selectFrom('stock_ledger')
    .select(['event_id', 'seq', 'delta', 'reason', 'previous_stock', 'new_stock', 'order_id', 'occurred_at'])
    .where('product_id', '=', query.productId);
  if (query.beforeSeq !== undefined) select = select.where('seq', '<', query.beforeSeq as never);
  const rows = await select
    .orderBy('seq', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map((row) => ({
      eventId: row.event_id,
      delta: row.delta,
      reason: row.reason,
      previousStock: row.previous_stock,
      newStock: row.new_stock,
      orderId: row.order_id,
      occurredAt: row.occurred_at.toISOString(),
    })),
    nextSeq: rows.length > query.limit ? (page.at(-1)?.seq ?? null) : null,
  };
};
