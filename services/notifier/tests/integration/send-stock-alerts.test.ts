import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import type { Database } from '@shop/db';
import { logger } from '@shop/lambda-kit';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { AlertBusyError, AlertIncompleteError, MAX_CONSECUTIVE_SEND_FAILURES } from '../../src/alert.service';
import { tryLockAlert } from '../../src/notification.repository';
import { alertOf, contextWith, sqsEvent, sqsRecord } from '../support/events';
import {
  deliveriesOf,
  emailCounts,
  emailsTo,
  insertProduct,
  insertSubscription,
  MAIL_FROM,
  notifierFor,
  openDb,
  openServiceDb,
  resetNotifierTables,
  STOREFRONT,
  subscriptionOf,
  uniqueAddress,
} from '../support/harness';
import { closedPortEndpoint, startSesProxy } from '../support/ses-proxy';

let db: Kysely<Database>;
let serviceDb: Kysely<Database>;

beforeAll(() => {
  db = openDb();
  serviceDb = openServiceDb();
});
afterAll(async () => {
  await Promise.all([db.destroy(), serviceDb.destroy()]);
});
beforeEach(async () => {
  await resetNotifierTables(db);
  // Failures are expected in several tests; their warnings are not what is checked.
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});

const MINUTE = 60_000;
const ones = (addresses: readonly string[]) => Object.fromEntries(addresses.map((a) => [a, 1]));
const nones = (addresses: readonly string[]) => Object.fromEntries(addresses.map((a) => [a, 0]));

describe('admin alerts (LowStock, OutOfStock)', () => {
  it.each(['LowStock', 'OutOfStock'] as const)(
    '%s: every admin gets one email with a text and an HTML body',
    async (type) => {
      const admins = [uniqueAddress('admin'), uniqueAddress('admin')];
      const { handler } = notifierFor(serviceDb, { adminRecipients: admins });
      const alert = alertOf({ type, name: 'Blue <mug>', stock: type === 'LowStock' ? 2 : 0 });

      const response = await handler(sqsEvent(sqsRecord(alert)), contextWith());

      expect(response).toEqual({ batchItemFailures: [] });
      for (const admin of admins) {
        const emails = await emailsTo(admin);
        expect(emails).toHaveLength(1);
        const [email] = emails;
        expect(email?.from).toBe(MAIL_FROM);
        expect(email?.subject).toContain('Blue <mug>');
        expect(email?.body.text).toContain(`${STOREFRONT}/products/${alert.productId}`);
        expect(email?.body.html).toContain('Blue &lt;mug&gt;');
        expect(email?.body.html).not.toContain('<mug>');
      }
      const deliveries = await deliveriesOf(db, alert.id);
      expect(deliveries.map((d) => d.recipient).sort()).toEqual([...admins].sort());
      // The row keeps SES's message id.
      const stored = await emailsTo(admins[0]!);
      expect(deliveries.find((d) => d.recipient === admins[0])?.provider_message_id).toBe(
        stored[0]?.messageId,
      );
    },
  );
});

describe('recipient addresses', () => {
  it('mails an address as it is written and keys its delivery case-insensitively', async () => {
    const admin = uniqueAddress('Admin').replace('@notifier.test', '@Notifier.Test');
    const { handler } = notifierFor(serviceDb, { adminRecipients: [admin] });
    const alert = alertOf();

    await handler(sqsEvent(sqsRecord(alert)), contextWith());
    await handler(sqsEvent(sqsRecord(alert)), contextWith());

    expect(await emailCounts([admin])).toEqual(ones([admin]));
    expect((await deliveriesOf(db, alert.id)).map((d) => d.recipient)).toEqual([admin.toLowerCase()]);
  });
});

describe('back-in-stock notices', () => {
  it('emails each open subscriber of the product once and fulfils their subscriptions', async () => {
    const productId = await insertProduct(db);
    const otherProductId = await insertProduct(db);
    const occurredAt = new Date();
    const before = new Date(occurredAt.getTime() - MINUTE);
    const after = new Date(occurredAt.getTime() + MINUTE);
    const [alice, bob, late, done, elsewhere, admin] = [
      uniqueAddress('alice'),
      uniqueAddress('bob'),
      uniqueAddress('late'),
      uniqueAddress('done'),
      uniqueAddress('elsewhere'),
      uniqueAddress('admin'),
    ] as const;
    const aliceSub = await insertSubscription(db, { productId, email: alice, createdAt: before });
    const bobSub = await insertSubscription(db, { productId, email: bob, createdAt: occurredAt });
    const lateSub = await insertSubscription(db, { productId, email: late, createdAt: after });
    const doneSub = await insertSubscription(db, {
      productId,
      email: done,
      createdAt: new Date(before.getTime() - MINUTE),
      fulfilledAt: before,
    });
    const elsewhereSub = await insertSubscription(db, {
      productId: otherProductId,
      email: elsewhere,
      createdAt: before,
    });
    const { handler } = notifierFor(serviceDb, { adminRecipients: [admin] });
    const alert = alertOf({ type: 'BackInStock', productId, stock: 7, occurredAt: occurredAt.toISOString() });

    const response = await handler(sqsEvent(sqsRecord(alert)), contextWith());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await emailCounts([alice, bob, late, done, elsewhere, admin])).toEqual({
      ...ones([alice, bob]),
      ...nones([late, done, elsewhere, admin]),
    });
    const [aliceEmail] = await emailsTo(alice);
    expect(aliceEmail?.subject).toContain('Back in stock');
    expect(aliceEmail?.body.text).toContain('7 available');
    expect(aliceEmail?.body.html).toContain(`href="${STOREFRONT}/products/${productId}"`);

    for (const id of [aliceSub, bobSub]) {
      expect(await subscriptionOf(db, id)).toEqual({
        fulfilled_at: expect.any(Date),
        fulfilled_by_alert: alert.id,
      });
    }
    expect(await subscriptionOf(db, lateSub)).toEqual({ fulfilled_at: null, fulfilled_by_alert: null });
    expect(await subscriptionOf(db, elsewhereSub)).toEqual({ fulfilled_at: null, fulfilled_by_alert: null });
    expect((await subscriptionOf(db, doneSub)).fulfilled_by_alert).toBeNull();
    expect(await deliveriesOf(db, alert.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recipient: alice, subscription_id: aliceSub }),
        expect.objectContaining({ recipient: bob, subscription_id: bobSub }),
      ]),
    );
  });

  it('sends one email to an address two subscriptions share, and fulfils both', async () => {
    const productId = await insertProduct(db);
    const shared = uniqueAddress('shared');
    const createdAt = new Date(Date.now() - MINUTE);
    const first = await insertSubscription(db, { productId, email: shared, createdAt });
    const second = await insertSubscription(db, {
      productId,
      email: shared.toUpperCase(),
      createdAt: new Date(createdAt.getTime() + 1_000),
    });
    const { handler } = notifierFor(serviceDb);

    await handler(
      sqsEvent(sqsRecord(alertOf({ type: 'BackInStock', productId, occurredAt: new Date().toISOString() }))),
      contextWith(),
    );

    expect(await emailCounts([shared])).toEqual(ones([shared]));
    expect((await subscriptionOf(db, first)).fulfilled_at).not.toBeNull();
    expect((await subscriptionOf(db, second)).fulfilled_at).not.toBeNull();
  });
});

describe('at most one email per alert and recipient', () => {
  it('sends once when the same message is delivered twice in one batch', async () => {
    const admins = [uniqueAddress('admin'), uniqueAddress('admin')];
    const { handler } = notifierFor(serviceDb, { adminRecipients: admins });
    const alert = alertOf();

    const response = await handler(
      sqsEvent(sqsRecord(alert, 'copy-1'), sqsRecord(alert, 'copy-2')),
      contextWith(),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await emailCounts(admins)).toEqual(ones(admins));
  });

  it('sends once when the same message comes back in a second invocation', async () => {
    const productId = await insertProduct(db);
    const subscriber = uniqueAddress('sub');
    const admin = uniqueAddress('admin');
    await insertSubscription(db, { productId, email: subscriber, createdAt: new Date(Date.now() - MINUTE) });
    const { handler } = notifierFor(serviceDb, { adminRecipients: [admin] });
    const lowStock = alertOf({ type: 'LowStock', productId });
    const backInStock = alertOf({ type: 'BackInStock', productId, occurredAt: new Date().toISOString() });
    const event = sqsEvent(sqsRecord(lowStock), sqsRecord(backInStock));

    await handler(event, contextWith());
    const again = await handler(event, contextWith());

    expect(again).toEqual({ batchItemFailures: [] });
    expect(await emailCounts([admin, subscriber])).toEqual(ones([admin, subscriber]));
  });

  it('sends once when two invocations get the same message at the same time', async () => {
    const admins = [uniqueAddress('admin'), uniqueAddress('admin'), uniqueAddress('admin')];
    const alert = alertOf();
    const first = notifierFor(serviceDb, { adminRecipients: admins });
    const second = notifierFor(serviceDb, { adminRecipients: admins });

    const results = await Promise.allSettled([
      first.handler(sqsEvent(sqsRecord(alert, 'sns-copy-1')), contextWith()),
      second.handler(sqsEvent(sqsRecord(alert, 'sns-copy-2')), contextWith()),
    ]);
    // The one that found the alert locked (if they overlapped) fails; its retry sends nothing.
    expect(results.filter((r) => r.status === 'rejected').length).toBeLessThanOrEqual(1);
    await first.handler(sqsEvent(sqsRecord(alert, 'sns-copy-2')), contextWith());

    expect(await emailCounts(admins)).toEqual(ones(admins));
  });
  it('leaves an alert another invocation is sending to that invocation, and sends nothing twice on the retry', async () => {
    const admins = [uniqueAddress('admin'), uniqueAddress('admin')];
    const { handler } = notifierFor(serviceDb, { adminRecipients: admins });
    const alert = alertOf();

    // Another invocation holds the alert's lock (as the first of two concurrent copies would).
    const outcome = await db.transaction().execute(async (trx) => {
      expect(await tryLockAlert(trx, alert.id, 10_000)).toBe(true);
      return handler(sqsEvent(sqsRecord(alert, 'copy')), contextWith()).catch((error: unknown) => error);
    });

    expect(outcome).toBeInstanceOf(FullBatchFailureError);
    expect((outcome as FullBatchFailureError).recordErrors[0]).toBeInstanceOf(AlertBusyError);
    expect(await emailCounts(admins)).toEqual(nones(admins));

    expect(await handler(sqsEvent(sqsRecord(alert, 'copy')), contextWith())).toEqual({
      batchItemFailures: [],
    });
    expect(await emailCounts(admins)).toEqual(ones(admins));
  });
});

describe('failures', () => {
  it('reports only the malformed message of a batch as failed', async () => {
    const admin = uniqueAddress('admin');
    const { handler } = notifierFor(serviceDb, { adminRecipients: [admin] });
    const good = alertOf();

    const response = await handler(
      sqsEvent(sqsRecord(good, 'good'), sqsRecord('{"schemaVersion":1,"type":"LowStock"}', 'malformed')),
      contextWith(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'malformed' }] });
    expect(await emailCounts([admin])).toEqual(ones([admin]));
  });

  it('fails the message and records nothing while SES is unreachable; the retry sends exactly once', async () => {
    const admins = [uniqueAddress('admin'), uniqueAddress('admin')];
    const alert = alertOf({ type: 'OutOfStock', stock: 0 });
    const down = notifierFor(serviceDb, { adminRecipients: admins, sesEndpoint: await closedPortEndpoint() });

    const failed = await down.handler(sqsEvent(sqsRecord(alert, 'only')), contextWith()).then(
      () => null,
      (error: unknown) => error,
    );

    // The whole batch failed: the invocation throws, and SQS retries the message.
    expect(failed).toBeInstanceOf(FullBatchFailureError);
    expect((failed as FullBatchFailureError).recordErrors[0]).toBeInstanceOf(AlertIncompleteError);
    expect(await deliveriesOf(db, alert.id)).toEqual([]);
    expect(await emailCounts(admins)).toEqual(nones(admins));

    const up = notifierFor(serviceDb, { adminRecipients: admins });
    expect(await up.handler(sqsEvent(sqsRecord(alert, 'only')), contextWith())).toEqual({
      batchItemFailures: [],
    });
    await up.handler(sqsEvent(sqsRecord(alert, 'only')), contextWith());

    expect(await emailCounts(admins)).toEqual(ones(admins));
    expect(await deliveriesOf(db, alert.id)).toHaveLength(2);
  });

  it('fails a message whose sends partly fail; the retry sends only to the rest', async () => {
    // Staged with a proxy in front of the stand-in (see ses-proxy.ts): aws-ses-v2-local itself
    // accepts every address.
    const proxy = await startSesProxy(inject('sesEndpoint'));
    try {
      const [a, b, c] = [uniqueAddress('admin-a'), uniqueAddress('admin-b'), uniqueAddress('admin-c')];
      const { handler } = notifierFor(serviceDb, { adminRecipients: [a, b, c], sesEndpoint: proxy.endpoint });
      const alert = alertOf();
      // A message with nothing to send shares the batch: the response lists only the partial one.
      const nothingToSend = alertOf({ type: 'BackInStock', occurredAt: new Date().toISOString() });
      const batch = sqsEvent(sqsRecord(alert, 'partial'), sqsRecord(nothingToSend, 'fine'));
      proxy.rejecting.add(b);

      const response = await handler(batch, contextWith());

      expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'partial' }] });
      expect(await emailCounts([a, b, c])).toEqual({ [a]: 1, [b]: 0, [c]: 1 });
      expect((await deliveriesOf(db, alert.id)).map((d) => d.recipient).sort()).toEqual([a, c].sort());

      proxy.rejecting.clear();
      proxy.attempts.clear();
      const retry = await handler(sqsEvent(sqsRecord(alert, 'partial')), contextWith());

      expect(retry).toEqual({ batchItemFailures: [] });
      expect(Object.fromEntries(proxy.attempts)).toEqual({ [b]: 1 });
      expect(await emailCounts([a, b, c])).toEqual(ones([a, b, c]));
    } finally {
      await proxy.close();
    }
  });

  it('keeps a subscriber whose email failed subscribed, and reaches them on the retry', async () => {
    const proxy = await startSesProxy(inject('sesEndpoint'));
    try {
      const productId = await insertProduct(db);
      const createdAt = new Date(Date.now() - MINUTE);
      const [ok, refused] = [uniqueAddress('ok'), uniqueAddress('refused')];
      const okSub = await insertSubscription(db, { productId, email: ok, createdAt });
      const refusedSub = await insertSubscription(db, { productId, email: refused, createdAt });
      const { handler } = notifierFor(serviceDb, { sesEndpoint: proxy.endpoint });
      const alert = alertOf({ type: 'BackInStock', productId, occurredAt: new Date().toISOString() });
      proxy.rejecting.add(refused);

      const response = await handler(sqsEvent(sqsRecord(alert, 'notice')), contextWith()).catch(
        (e: unknown) => e,
      );

      expect(response).toBeInstanceOf(FullBatchFailureError);
      expect((await subscriptionOf(db, okSub)).fulfilled_by_alert).toBe(alert.id);
      expect((await subscriptionOf(db, refusedSub)).fulfilled_at).toBeNull();

      proxy.rejecting.clear();
      await handler(sqsEvent(sqsRecord(alert, 'notice')), contextWith());

      expect(await emailCounts([ok, refused])).toEqual(ones([ok, refused]));
      expect((await subscriptionOf(db, refusedSub)).fulfilled_by_alert).toBe(alert.id);
    } finally {
      await proxy.close();
    }
  });

  it('stops trying after repeated SES refusals and leaves the rest of the message to its retry', async () => {
    const proxy = await startSesProxy(inject('sesEndpoint'));
    try {
      const admins = Array.from({ length: MAX_CONSECUTIVE_SEND_FAILURES + 2 }, () => uniqueAddress('admin'));
      const { handler } = notifierFor(serviceDb, { adminRecipients: admins, sesEndpoint: proxy.endpoint });
      for (const admin of admins) proxy.rejecting.add(admin);
      const alert = alertOf();

      const outcome = await handler(sqsEvent(sqsRecord(alert, 'refused')), contextWith()).catch(
        (e: unknown) => e,
      );

      const error = (outcome as FullBatchFailureError).recordErrors[0] as AlertIncompleteError;
      expect(error.counts).toEqual({ sent: 0, failed: MAX_CONSECUTIVE_SEND_FAILURES, notAttempted: 2 });
      expect([...proxy.attempts.values()].reduce((sum, n) => sum + n, 0)).toBe(MAX_CONSECUTIVE_SEND_FAILURES);
    } finally {
      await proxy.close();
    }
  });

  it('leaves recipients to the retry once the invocation runs out of time', async () => {
    const admins = [uniqueAddress('admin'), uniqueAddress('admin'), uniqueAddress('admin')];
    const { handler } = notifierFor(serviceDb, { adminRecipients: admins });
    const alert = alertOf();
    // Time enough for one send: the clock is read before each.
    let reads = 0;
    const context = contextWith(() => {
      reads += 1;
      return reads <= 1 ? 60_000 : 1_000;
    });

    const response = await handler(sqsEvent(sqsRecord(alert, 'long')), context).catch((e: unknown) => e);

    expect(response).toBeInstanceOf(FullBatchFailureError);
    expect(Object.values(await emailCounts(admins)).reduce((sum, n) => sum + n, 0)).toBe(1);

    await handler(sqsEvent(sqsRecord(alert, 'long')), contextWith());
    expect(await emailCounts(admins)).toEqual(ones(admins));
  });
});
