import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseStockRecord } from '../../src/stock-changed.schema';
import { kinesisRecord } from '../support/kinesis-events';
import kinesisEventFixture from './fixtures/kinesis-stock-events.json';
import stockChangedFixture from './fixtures/stock-changed.json';

const parse = (payload: unknown) => parseStockRecord(kinesisRecord(payload));
const problemsOf = (payload: unknown) => {
  const parsed = parse(payload);
  return parsed.ok ? [] : parsed.problems;
};

describe('parsing a stock-events record', () => {
  it('decodes the base64 JSON of a StockChanged event as Lambda delivers it', () => {
    const [valid, poison, second] = (kinesisEventFixture as KinesisStreamEvent).Records.map(parseStockRecord);

    expect(valid).toEqual({
      ok: true,
      sequenceNumber: '49656400000000000000000000000000000000000000000000000001',
      event: stockChangedFixture,
    });
    expect(poison).toEqual({
      ok: false,
      sequenceNumber: '49656400000000000000000000000000000000000000000000000002',
      problems: ['data is not base64-encoded JSON'],
    });
    expect(second?.ok).toBe(true);
  });

  it('accepts every reason, with an orderId exactly for order and cancellation', () => {
    for (const reason of ['restock', 'correction', 'damage', 'return']) {
      const { orderId: _, ...event } = stockChangedFixture;
      expect(parse({ ...event, reason, previousStock: 4, newStock: 6, delta: 2 }).ok, reason).toBe(true);
    }
    expect(
      parse({ ...stockChangedFixture, reason: 'cancellation', previousStock: 4, newStock: 6, delta: 2 }).ok,
    ).toBe(true);
  });

  it('tolerates fields a newer producer adds, and drops them', () => {
    const parsed = parse({ ...stockChangedFixture, warehouse: 'north' });
    expect(parsed.ok && parsed.event).toEqual(stockChangedFixture);
  });

  it.each([
    ['another schema version', { schemaVersion: 2 }, 'schemaVersion'],
    ['another event type', { type: 'PriceChanged' }, 'type'],
    ['an id that is not a uuid', { id: '42' }, 'id'],
    ['a product id that is not a uuid', { productId: 'abc' }, 'productId'],
    ['a time that is not ISO-8601', { occurredAt: 'yesterday' }, 'occurredAt'],
    ['an empty sku', { sku: '' }, 'sku'],
    ['negative stock', { newStock: -1, delta: -7 }, 'newStock'],
    ['fractional stock', { previousStock: 6.5, delta: -2.5 }, 'previousStock'],
    ['a delta that does not match the stocks', { delta: -3 }, 'delta'],
    ['an unknown reason', { reason: 'theft' }, 'reason'],
    ['an order change without orderId', { orderId: undefined }, 'orderId'],
    ['a restock with an orderId', { reason: 'restock' }, 'orderId'],
    ['no correlation id', { correlationId: undefined }, 'correlationId'],
  ])('rejects %s', (_, change, path) => {
    const problems = problemsOf({ ...stockChangedFixture, ...change });
    expect(
      problems.some((problem) => problem.startsWith(`${path}:`)),
      problems.join('; '),
    ).toBe(true);
  });

  it('rejects JSON that is not an object', () => {
    expect(problemsOf([1, 2, 3])).not.toEqual([]);
    expect(problemsOf(null)).not.toEqual([]);
  });

  it('rejects data that is not JSON', () => {
    const parsed = parseStockRecord(kinesisRecord('\u0000\u0001garbage', { raw: true }));
    expect(parsed).toMatchObject({ ok: false, problems: ['data is not base64-encoded JSON'] });
  });
});
