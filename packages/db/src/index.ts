/**
 * The shop's database: kysely `Database` types, connections (local URL or Aurora with IAM auth)
 * and the timestamped migrations.
 * @packageDocumentation
 */
export * from './connection';
export type * from './database';
export { migrateDb, migrateToLatest } from './migrator';
