// Integration wiring: the real alert service on the project's PostgreSQL and the real SES adapter
// pointed at aws-ses-v2-local (or at whatever endpoint a test chooses), behind the real handler.
import { randomBytes, randomUUID } from 'node:crypto';
import { createDb, type Database } from '@shop/db';
import { type Kysely, sql } from 'kysely';
import { inject } from 'vitest';
import { readSentEmails, type StoredEmail } from '../../../../scripts/lib/ses-local';
import { asServiceUser } from '../../../../scripts/test/database-user';
import { insertProductRow } from '../../../../scripts/test/product.fixture';
import { type AlertService, createAlertService } from '../../src/alert.service';
import { createSesClient, createSesEmailSender } from '../../src/email.sender';
import { sendStockAlertsHandler } from '../../src/handlers/send-stock-alerts';

export const MAIL_FROM = 'no-reply@notifier.test';
export const STOREFRONT = 'https://shop.example.com';

/** Admin connection: fixtures, resets, assertions. */
export const openDb = (): Kysely<Database> => createDb({ url: inject('databaseUrl') }, { max: 4 });

/** What the service runs on: the `notifier` database user and only its grants. */
export const openServiceDb = (): Kysely<Database> =>
  createDb({ url: asServiceUser(inject('databaseUrl'), 'notifier') }, { max: 4 });

/** The service and handler as production builds them, sending through `sesEndpoint`. */
export const notifierFor = (
  db: Kysely<Database>,
  options: { adminRecipients?: readonly string[]; sesEndpoint?: string } = {},
): { service: AlertService; handler: ReturnType<typeof sendStockAlertsHandler> } => {
  const client = createSesClient({
    region: 'us-east-1',
    endpoint: options.sesEndpoint ?? inject('sesEndpoint'),
  });
  const service = createAlertService({
    db,
    sender: createSesEmailSender(client, { from: MAIL_FROM }),
    adminRecipients: options.adminRecipients ?? [],
    storefrontUrl: STOREFRONT,
  });
  return { service, handler: sendStockAlertsHandler(() => service) };
};

// The SES store is shared by every project and never cleared: each test mails addresses of its own.
const runTag = randomBytes(4).toString('hex');
let addressCounter = 0;
export const uniqueAddress = (label: string): string => {
  addressCounter += 1;
  return `${label}-${runTag}-${addressCounter}@notifier.test`;
};

/** Every email the stand-in accepted for `address`. */
export const emailsTo = async (address: string): Promise<StoredEmail[]> =>
  (await readSentEmails(inject('sesEndpoint'))).filter((email) => email.destination.to.includes(address));

/** How many emails each address got. */
export const emailCounts = async (addresses: readonly string[]): Promise<Record<string, number>> => {
  const emails = await readSentEmails(inject('sesEndpoint'));
  return Object.fromEntries(
    addresses.map((address) => [address, emails.filter((e) => e.destination.to.includes(address)).length]),
  );
};

export const resetNotifierTables = async (db: Kysely<Database>): Promise<void> => {
  await sql`truncate table notification_deliveries, stock_subscriptions`.execute(db);
};

/** An active product at stock 0 in the catalog's table (subscriptions reference it); returns its id. */
export const insertProduct = async (db: Kysely<Database>): Promise<string> =>
  (await insertProductRow(db, { sku: 'NTF', name: 'Notifier' }, { stock: 0 })).id;

/** A subscription as the catalog writes it, created at `createdAt`; fulfilled if `fulfilledAt` is set. */
export const insertSubscription = async (
  db: Kysely<Database>,
  row: { productId: string; email: string; createdAt: Date; fulfilledAt?: Date },
): Promise<string> => {
  const id = randomUUID();
  await sql`
    insert into stock_subscriptions (id, product_id, customer_id, email, created_at, fulfilled_at)
    values (${id}, ${row.productId}, ${randomUUID()}, ${row.email}, ${row.createdAt.toISOString()}::timestamptz,
            ${row.fulfilledAt?.toISOString() ?? null}::timestamptz)
  `.execute(db);
  return id;
};

export const subscriptionOf = (db: Kysely<Database>, id: string) =>
  db
    .selectFrom('stock_subscriptions')
    .select(['fulfilled_at', 'fulfilled_by_alert'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

export const deliveriesOf = (db: Kysely<Database>, alertId: string) =>
  db
    .selectFrom('notification_deliveries')
    .select(['recipient', 'subscription_id', 'provider_message_id'])
    .where('alert_id', '=', alertId)
    .orderBy('recipient')
    .execute();
