// The outbox table as the relay sees it. Plain functions taking `db` or `trx` first; the relay
// owns the transaction.
import { createPool, type Database, type DbConnectionConfig } from '@shop/db';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import type { OutboxRecord } from './batch';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The relay's own single connection: a round holds its transaction while Kinesis answers and
 * must not take a connection the request path needs. A connection dropped while idle (database
 * restart, failover, the idle-in-transaction timeout) is reported to `onConnectionLost` instead
 * of crashing the process with an unhandled 'error' event; the pool opens a new one on next use.
 */
export const createRelayDb = (
  config: DbConnectionConfig,
  onConnectionLost: (error: Error) => void,
): Kysely<Database> => {
  const pool = createPool(config, { max: 1 });
  pool.on('error', onConnectionLost);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
};

/**
 * The advisory lock key that makes one relay at a time publish (any constant the rest of the
 * shop does not use; "outbox" in ASCII).
 */
export const RELAY_LOCK_KEY = 0x6f7574626f78n;

/**
 * One round trip: takes the relay lock for the rest of the transaction, or says it is held. The
 * same statement bounds how long the transaction may sit idle (waiting on Kinesis): a relay
 * frozen mid-round (a Lambda container paused after its response) loses its session and the
 * lock instead of blocking every other relay until it thaws.
 */
export const tryLockRelay = async (trx: Transaction<Database>, idleTimeoutMs: number): Promise<boolean> => {
  const { rows } = await sql<{ locked: boolean }>`
    select set_config('idle_in_transaction_session_timeout', ${String(idleTimeoutMs)}, true),
           pg_try_advisory_xact_lock(${RELAY_LOCK_KEY.toString()}::bigint) as locked
  `.execute(trx);
  return rows[0]?.locked === true;
};

/**
 * One round trip: the oldest unpublished event of each partition key among the first `window`
 * unpublished rows (the `outbox_unpublished` index), in `seq` order, at most `limit`. Within a
 * prefix of `seq` order the first row of a key is that key's oldest unpublished event overall.
 */
export const findOldestUnpublishedPerKey = async (
  db: Db,
  options: { window: number; limit: number },
): Promise<OutboxRecord[]> => {
  const { rows } = await sql<{ id: string; seq: string; partition_key: string; data: string }>`
    select id, seq::text as seq, partition_key, payload::text as data
    from (
      select distinct on (partition_key) id, seq, partition_key, payload
      from (
        select id, seq, partition_key, payload
        from outbox
        where published_at is null
        order by seq
        limit ${options.window}
      ) as oldest
      order by partition_key, seq
    ) as heads
    order by seq
    limit ${options.limit}
  `.execute(db);
  return rows.map((row) => ({ id: row.id, seq: row.seq, partitionKey: row.partition_key, data: row.data }));
};

/** One round trip. Only rows still unpublished are touched (another relay may have been first). */
export const markPublished = async (db: Db, ids: readonly string[]): Promise<number> => {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('outbox')
    .set({ published_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('published_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
};
