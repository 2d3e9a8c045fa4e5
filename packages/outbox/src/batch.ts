// Which outbox rows go into one PutRecords call. Pure, so the ordering rules are unit-tested.

/** An unpublished outbox row, ready to be sent. */
export interface OutboxRecord {
  /** The event id; consumers deduplicate on it. */
  readonly id: string;
  /** Insertion order (bigint as a string). Per partition key it is also commit order. */
  readonly seq: string;
  /** Kinesis partition key: the product id. */
  readonly partitionKey: string;
  /** The event as JSON: the record's Data. */
  readonly data: string;
}

export interface BatchLimits {
  /** Records per PutRecords call; Kinesis allows at most 500. */
  readonly maxRecords: number;
  /** Bytes per call (data plus partition keys); Kinesis allows at most 5 MiB. */
  readonly maxBytes: number;
  /** Bytes per record (data plus partition key); Kinesis allows at most 1 MiB. */
  readonly maxRecordBytes: number;
}

export const KINESIS_LIMITS: BatchLimits = Object.freeze({
  maxRecords: 500,
  maxBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
});

export interface Batch {
  readonly records: OutboxRecord[];
  /** Records Kinesis would refuse outright (too large): they can never be sent as they are. */
  readonly oversized: OutboxRecord[];
}

export const recordBytes = (record: OutboxRecord): number =>
  Buffer.byteLength(record.data) + Buffer.byteLength(record.partitionKey);

/**
 * Picks the records of one PutRecords call from `candidates` (unpublished rows in `seq` order):
 * at most ONE per partition key, the oldest. PutRecords does not order the records of one call,
 * and one record can fail while the next succeeds; with one record per key, a failed event can
 * never be overtaken by a later event of the same product. An oversized record is never sent,
 * and it holds back the rest of its key (sending them would break the product's order).
 */
export const selectBatch = (
  candidates: readonly OutboxRecord[],
  limits: BatchLimits = KINESIS_LIMITS,
): Batch => {
  const records: OutboxRecord[] = [];
  const oversized: OutboxRecord[] = [];
  const seenKeys = new Set<string>();
  let bytes = 0;
  for (const record of candidates) {
    if (seenKeys.has(record.partitionKey)) continue;
    seenKeys.add(record.partitionKey);
    const size = recordBytes(record);
    if (size > limits.maxRecordBytes) {
      oversized.push(record);
      continue;
    }
    if (records.length >= limits.maxRecords || bytes + size > limits.maxBytes) break;
    records.push(record);
    bytes += size;
  }
  return { records, oversized };
};
