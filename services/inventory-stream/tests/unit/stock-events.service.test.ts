import type { ProductVersion } from '@shop/catalog-cache';
import type { StockAlert } from '@shop/domain';
import { logger } from '@shop/lambda-kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StockAlertPublisher } from '../../src/stock-alert.publisher';
import {
  createStockEventsService,
  type ReceivedStockChange,
  StockAlertPublishError,
  StockLedgerError,
} from '../../src/stock-events.service';
import type { RecordedBatch, StockChangeToRecord, StockLedger } from '../../src/stock-ledger.repository';
import { nextSequenceNumber, stockChanged } from '../support/kinesis-events';

/** A ledger in memory that records like the real one: once per event id, alerts on first record. */
const memoryLedger = () => {
  const recorded = new Map<string, StockChangeToRecord>();
  const alerts = new Map<string, { eventId: string; alert: StockAlert; published: boolean }>();
  const calls = { record: [] as StockChangeToRecord[][], markPublished: [] as string[][] };
  const ledger: StockLedger = {
    async record(changes): Promise<RecordedBatch> {
      calls.record.push([...changes]);
      for (const change of changes) {
        if (recorded.has(change.event.id)) continue;
        recorded.set(change.event.id, change);
        if (change.alert)
          alerts.set(change.alert.id, { eventId: change.event.id, alert: change.alert, published: false });
      }
      const ids = new Set(changes.map((c) => c.event.id));
      return {
        pendingAlerts: [...alerts.values()]
          .filter((a) => ids.has(a.eventId) && !a.published)
          .map(({ eventId, alert }) => ({ eventId, alert })),
        products: [...new Set(changes.map((c) => c.event.productId))].map((id) => ({ id, version: 1 })),
      };
    },
    async markPublished(alertIds) {
      calls.markPublished.push([...alertIds]);
      for (const id of alertIds) {
        const alert = alerts.get(id);
        if (alert) alert.published = true;
      }
    },
  };
  return { ledger, calls, alerts };
};

const recordingPublisher = (fail: (alert: StockAlert) => boolean = () => false) => {
  const attempts: StockAlert[] = [];
  const publisher: StockAlertPublisher = {
    async publish(alert) {
      attempts.push(alert);
      if (fail(alert)) throw new Error('SNS said no');
    },
  };
  return { publisher, attempts };
};

const received = (...events: ReturnType<typeof stockChanged>[]): ReceivedStockChange[] =>
  events.map((event) => ({ sequenceNumber: nextSequenceNumber(), event }));

let ids = 0;
const newId = () => {
  ids += 1;
  return `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`;
};

beforeEach(() => {
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('processing a batch of stock changes', () => {
  it('records the batch in one call, publishes the alerts it raises, marks them, and invalidates its products', async () => {
    const { ledger, calls } = memoryLedger();
    const { publisher, attempts } = recordingPublisher();
    const invalidated: ProductVersion[][] = [];
    const service = createStockEventsService({
      ledger,
      publisher,
      newId,
      productsChanged: async (products) => {
        invalidated.push([...products]);
      },
    });
    const low = stockChanged({ sku: 'SKU-LOW', previousStock: 9, newStock: 2 });
    const plain = stockChanged({ previousStock: 9, newStock: 8 });

    const outcome = await service.processStockChanges(received(low, plain));

    expect(outcome).toEqual({ failed: new Map(), published: 1 });
    expect(calls.record).toHaveLength(1);
    expect(calls.record[0]?.map((c) => [c.event.id, c.alert?.type ?? null])).toEqual([
      [low.id, 'LowStock'],
      [plain.id, null],
    ]);
    // The name is the sku until the ledger puts the product's in.
    expect(attempts).toEqual([
      expect.objectContaining({ type: 'LowStock', sku: 'SKU-LOW', name: 'SKU-LOW', stock: 2, threshold: 5 }),
    ]);
    expect(calls.markPublished).toEqual([[attempts[0]?.id]]);
    expect(invalidated).toEqual([
      [
        { id: low.productId, version: 1 },
        { id: plain.productId, version: 1 },
      ],
    ]);
  });

  it('records an event delivered twice in one batch once, and both records share its outcome', async () => {
    const { ledger, calls } = memoryLedger();
    const { publisher } = recordingPublisher(() => true);
    const service = createStockEventsService({ ledger, publisher, newId, productsChanged: async () => {} });
    const event = stockChanged({ previousStock: 1, newStock: 0 });
    const [first, second] = received(event, event);

    const outcome = await service.processStockChanges([first!, second!]);

    expect(calls.record[0]).toHaveLength(1);
    expect([...outcome.failed.keys()]).toEqual([first!.sequenceNumber, second!.sequenceNumber]);
  });

  it('fails every record with a StockLedgerError when the ledger fails, and publishes nothing', async () => {
    const { publisher, attempts } = recordingPublisher();
    const service = createStockEventsService({
      ledger: {
        record: async () => {
          throw new Error('connection refused');
        },
        markPublished: async () => expect.fail('nothing to mark'),
      },
      publisher,
      newId,
      productsChanged: async () => expect.fail('nothing to invalidate'),
    });
    const changes = received(
      stockChanged({ previousStock: 1, newStock: 0 }),
      stockChanged({ previousStock: 3, newStock: 4 }),
    );

    const outcome = await service.processStockChanges(changes);

    expect([...outcome.failed.keys()]).toEqual(changes.map((c) => c.sequenceNumber));
    for (const error of outcome.failed.values()) {
      expect(error).toBeInstanceOf(StockLedgerError);
      expect((error.cause as Error).message).toBe('connection refused');
    }
    expect(attempts).toEqual([]);
  });

  it('fails the record of an alert SNS refused, stops publishing, and keeps what was published', async () => {
    const { ledger, calls } = memoryLedger();
    const { publisher, attempts } = recordingPublisher((alert) => alert.sku === 'REFUSED');
    const service = createStockEventsService({
      ledger,
      publisher,
      newId,
      productsChanged: async () => {},
      publishConcurrency: 1,
    });
    const accepted = stockChanged({ sku: 'ACCEPTED', previousStock: 0, newStock: 3 });
    const refused = stockChanged({ sku: 'REFUSED', previousStock: 2, newStock: 0 });
    const later = stockChanged({ sku: 'LATER', previousStock: 7, newStock: 1 });
    const plain = stockChanged({ previousStock: 9, newStock: 8 });
    const changes = received(accepted, refused, later, plain);

    const outcome = await service.processStockChanges(changes);

    expect([...outcome.failed.keys()]).toEqual([changes[1]!.sequenceNumber, changes[2]!.sequenceNumber]);
    expect(outcome.failed.get(changes[1]!.sequenceNumber)).toBeInstanceOf(StockAlertPublishError);
    expect(attempts.map((a) => a.sku)).toEqual(['ACCEPTED', 'REFUSED']);
    expect(calls.markPublished).toEqual([[attempts[0]?.id]]);
    expect(outcome.published).toBe(1);
  });

  it('publishes a product’s alerts in stream order and stops that product at its first failure', async () => {
    const { ledger } = memoryLedger();
    let failNext = true;
    const { publisher, attempts } = recordingPublisher(() => {
      const fail = failNext;
      failNext = false;
      return fail;
    });
    const service = createStockEventsService({ ledger, publisher, newId, productsChanged: async () => {} });
    const productId = '5f0d3c2a-8a4b-4c1d-9e2f-3a4b5c6d7e8f';
    const out = stockChanged({ productId, previousStock: 2, newStock: 0 });
    const back = stockChanged({ productId, previousStock: 0, newStock: 9 });
    const changes = received(out, back);

    const first = await service.processStockChanges(changes);
    expect([...first.failed.keys()]).toEqual(changes.map((c) => c.sequenceNumber));
    expect(attempts.map((a) => a.type)).toEqual(['OutOfStock']);

    // Lambda retries from the first failed record: both alerts go out, in order, once.
    const retry = await service.processStockChanges(changes);
    expect(retry.failed.size).toBe(0);
    expect(attempts.map((a) => a.type)).toEqual(['OutOfStock', 'OutOfStock', 'BackInStock']);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(2);
  });

  it('does not fail records when marking published alerts fails: SNS already has them', async () => {
    const { ledger } = memoryLedger();
    const { publisher } = recordingPublisher();
    const service = createStockEventsService({
      ledger: { ...ledger, markPublished: async () => Promise.reject(new Error('database gone')) },
      publisher,
      newId,
      productsChanged: async () => {},
    });

    const outcome = await service.processStockChanges(
      received(stockChanged({ previousStock: 1, newStock: 0 })),
    );

    expect(outcome).toEqual({ failed: new Map(), published: 1 });
    expect(logger.warn).toHaveBeenCalledWith(
      'published stock alerts could not be marked as published',
      expect.objectContaining({ alertIds: [expect.any(String)] }),
    );
  });

  it('does nothing for an empty batch', async () => {
    const service = createStockEventsService({
      ledger: {
        record: async () => expect.fail('no call'),
        markPublished: async () => expect.fail('no call'),
      },
      publisher: { publish: async () => expect.fail('no call') },
      newId,
      productsChanged: async () => expect.fail('no call'),
    });
    expect(await service.processStockChanges([])).toEqual({ failed: new Map(), published: 0 });
  });
});
