import { describe, expect, it } from 'vitest';
import { KINESIS_LIMITS, type OutboxRecord, selectBatch } from '../../src/batch';

const record = (seq: number, partitionKey: string, data = `{"n":${seq}}`): OutboxRecord => ({
  id: `event-${seq}`,
  seq: String(seq),
  partitionKey,
  data,
});

describe('selectBatch', () => {
  it('takes only the oldest event of each partition key, in seq order', () => {
    const candidates = [record(1, 'a'), record(2, 'b'), record(3, 'a'), record(4, 'c'), record(5, 'b')];

    const batch = selectBatch(candidates);

    expect(batch.records.map((r) => r.id)).toEqual(['event-1', 'event-2', 'event-4']);
    expect(batch.oversized).toEqual([]);
  });

  it('stops at 500 records per call', () => {
    const candidates = Array.from({ length: 700 }, (_, i) => record(i, `product-${i}`));

    const batch = selectBatch(candidates);

    expect(batch.records).toHaveLength(500);
    expect(batch.records.at(-1)?.id).toBe('event-499');
  });

  it('honours a smaller batch size', () => {
    const candidates = Array.from({ length: 10 }, (_, i) => record(i, `product-${i}`));

    expect(selectBatch(candidates, { ...KINESIS_LIMITS, maxRecords: 3 }).records).toHaveLength(3);
  });

  it('stops before the call would exceed 5 MiB, counting data and partition keys', () => {
    const big = 'x'.repeat(1024 * 1024 - 100);
    const candidates = Array.from({ length: 8 }, (_, i) => record(i, `p${i}`, big));

    const batch = selectBatch(candidates);

    expect(batch.records).toHaveLength(5);
  });

  it('never sends a record over 1 MiB and holds back the later events of its key', () => {
    const tooBig = 'x'.repeat(1024 * 1024);
    const candidates = [record(1, 'a', tooBig), record(2, 'b'), record(3, 'a')];

    const batch = selectBatch(candidates);

    expect(batch.records.map((r) => r.id)).toEqual(['event-2']);
    expect(batch.oversized.map((r) => r.id)).toEqual(['event-1']);
  });

  it('returns nothing for no candidates', () => {
    expect(selectBatch([])).toEqual({ records: [], oversized: [] });
  });
});
