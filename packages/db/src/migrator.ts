import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { createDb } from './connection';
import type { Database } from './database';
import * as catalog from './migrations/2026-11-26T0001_catalog';
import * as customers from './migrations/2026-11-26T0002_customers';
import * as orders from './migrations/2026-11-26T0003_orders';
import * as orderProductVersions from './migrations/2026-11-26T0004_order_product_versions';
import * as stockStream from './migrations/2026-11-26T0005_stock_stream';
import * as serviceUsers from './migrations/2026-11-27T0006_service_users';
import * as customerLimits from './migrations/2026-12-02T0007_customer_limits';

/** Migrations by timestamped name, imported statically so they bundle and need no file system. */
const migrations: Record<string, Migration> = {
  '2026-11-26T0001_catalog': catalog,
  '2026-11-26T0002_customers': customers,
  '2026-11-26T0003_orders': orders,
  '2026-11-26T0004_order_product_versions': orderProductVersions,
  '2026-11-26T0005_stock_stream': stockStream,
  '2026-11-27T0006_service_users': serviceUsers,
  '2026-12-02T0007_customer_limits': customerLimits,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export const migrateDb = async (db: Kysely<Database>): Promise<string[]> => {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
  return (results ?? []).map((r) => r.migrationName);
};

/** Brings the database at `databaseUrl` to the latest schema; returns the migrations it applied. */
export const migrateToLatest = async (databaseUrl: string): Promise<string[]> => {
  const db = createDb({ url: databaseUrl }, { max: 1, statementTimeoutMs: 120_000 });
  try {
    return await migrateDb(db);
  } finally {
    await db.destroy();
  }
};
