/**
 * The shop's database: kysely `Database` types, connections (local URL or Aurora with IAM auth)
 * and their configuration from the environment, the timestamped migrations, `seq` cursors and
 * the translation of outages into 503s.
 * @packageDocumentation
 */
export * from './connection';
export * from './connection.config';
export type * from './database';
export { migrateDb, migrateToLatest } from './migrator';
export * from './outage';
export * from './seq.cursor';
