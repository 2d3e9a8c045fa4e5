// notification_deliveries (the notifier's) and stock_subscriptions (the catalog's; the notifier
// only reads open ones and fulfils them). Plain functions taking `db` or `trx` first; the caller
// owns connections and transactions. Recipients are keyed lower-cased (`recipient`).
import type { Database } from '@shop/db';
import { type Kysely, type QueryCreator, sql, type Transaction } from 'kysely';

/**
 * The first key of the two-key advisory lock space that serialises work on one alert ("ntfy" in
 * ASCII). The two-key space never overlaps the one-key locks (the outbox relay's).
 */
export const ALERT_LOCK_CLASS = 0x6e746679;

/**
 * One round trip: takes the alert's lock for the rest of the transaction, or says another
 * invocation holds it. The same statement bounds how long the transaction may sit idle (it waits
 * on SES while the lock is held): a holder that froze loses its session and the lock instead of
 * blocking the alert until it thaws.
 */
export const tryLockAlert = async (
  trx: Transaction<Database>,
  alertId: string,
  idleTimeoutMs: number,
): Promise<boolean> => {
  const { rows } = await sql<{ locked: boolean }>`
    select set_config('idle_in_transaction_session_timeout', ${String(idleTimeoutMs)}, true),
           pg_try_advisory_xact_lock(${ALERT_LOCK_CLASS}, hashtext(${alertId})) as locked
  `.execute(trx);
  return rows[0]?.locked === true;
};

/** One round trip: which of `recipients` (lower-cased keys) already got this alert's email. */
export const findDeliveredRecipients = async (
  db: Kysely<Database>,
  alertId: string,
  recipients: readonly string[],
): Promise<Set<string>> => {
  if (recipients.length === 0) return new Set();
  const rows = await db
    .selectFrom('notification_deliveries')
    .select('recipient')
    .where('alert_id', '=', alertId)
    .where('recipient', 'in', recipients)
    .execute();
  return new Set(rows.map((row) => row.recipient));
};

/** An open subscription's recipient, with every open subscription of that address to fulfil. */
export interface PendingSubscriber {
  /** As the oldest subscription spells it. */
  readonly address: string;
  /** Lower-cased: the delivery's `recipient`. */
  readonly key: string;
  /** Oldest first. Usually one; two customers sharing an address get one email. */
  readonly subscriptionIds: readonly string[];
}

/**
 * One round trip: the open subscriptions of the product created at or before the alert, grouped
 * by address (case-insensitively), minus addresses this alert already reached. A subscription
 * created after the alert waits for the next crossing; a fulfilled one is not open any more.
 */
export const findPendingSubscribers = async (
  db: Kysely<Database>,
  alert: { readonly id: string; readonly productId: string; readonly occurredAt: string },
): Promise<PendingSubscriber[]> => {
  const { rows } = await sql<{ key: string; address: string; subscription_ids: string[] }>`
    select lower(s.email) as key,
           (array_agg(s.email order by s.created_at, s.id))[1] as address,
           array_agg(s.id order by s.created_at, s.id) as subscription_ids
      from stock_subscriptions s
     where s.product_id = ${alert.productId}
       and s.fulfilled_at is null
       and s.created_at <= ${alert.occurredAt}::timestamptz
       and not exists (
             select 1 from notification_deliveries d
              where d.alert_id = ${alert.id} and d.recipient = lower(s.email))
     group by lower(s.email)
     order by min(s.created_at), lower(s.email)
  `.execute(db);
  return rows.map((row) => ({ address: row.address, key: row.key, subscriptionIds: row.subscription_ids }));
};

export interface Delivery {
  readonly alertId: string;
  /** The address lower-cased: one delivery per mailbox however it is spelt. */
  readonly recipient: string;
  readonly providerMessageId: string | null;
  /** The subscriptions this email fulfils (none for admin alerts). */
  readonly subscriptionIds: readonly string[];
}

/**
 * One statement, so the delivery and the fulfilment are never half-written: records that SES
 * accepted the email and fulfils the subscriptions it answers. A second recording of the same
 * delivery (a concurrent duplicate) changes nothing.
 */
export const recordDelivery = async (db: Kysely<Database>, delivery: Delivery): Promise<void> => {
  const [firstSubscription = null] = delivery.subscriptionIds;
  const insert = (q: QueryCreator<Database>) =>
    q
      .insertInto('notification_deliveries')
      .values({
        alert_id: delivery.alertId,
        recipient: delivery.recipient,
        subscription_id: firstSubscription,
        provider_message_id: delivery.providerMessageId,
      })
      .onConflict((oc) => oc.columns(['alert_id', 'recipient']).doNothing());

  if (delivery.subscriptionIds.length === 0) {
    await insert(db).execute();
    return;
  }
  // PostgreSQL runs a data-modifying CTE whether or not the outer statement reads it.
  await db
    .with('delivered', (q) => insert(q).returning('alert_id'))
    .updateTable('stock_subscriptions')
    .set({ fulfilled_at: sql`now()`, fulfilled_by_alert: delivery.alertId })
    .where('id', 'in', [...delivery.subscriptionIds])
    .where('fulfilled_at', 'is', null)
    .execute();
};
