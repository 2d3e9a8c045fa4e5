import { type Kysely, sql } from 'kysely';

// Migrations run on Kysely<any>: they describe the schema at their point in time, not today's types.
// biome-ignore lint/suspicious/noExplicitAny: see above
export async function up(db: Kysely<any>): Promise<void> {
  // One row per confirmed Cognito user, written by the post-confirmation trigger (auth-hooks).
  // The id is the user's `sub`, so a retried trigger finds the row it already wrote.
  // Email is not unique: a user who deletes their account and signs up again gets a new `sub`
  // with the same address, and that must not make their confirmation fail.
  await sql`
    create table customers (
      id uuid primary key,
      email text not null check (char_length(email) between 3 and 254),
      name text not null check (char_length(name) between 1 and 200),
      created_at timestamptz not null default now(),
      constraint customers_email_lower_case check (email = lower(email))
    )`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('customers').execute();
}
