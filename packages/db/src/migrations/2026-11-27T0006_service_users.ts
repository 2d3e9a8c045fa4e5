import { type Kysely, sql } from 'kysely';

// One database user per service, each with only the privileges its code uses (least privilege in
// the database as in IAM). On Aurora the functions sign in as these users with IAM authentication
// (`rds-db:connect` on `dbuser:<cluster>/<user>` in each service's iam.yml), which needs the role
// `rds_iam`; locally and in tests that role does not exist and the users are only used with
// `SET ROLE`, so the integration tests run each service's code as its own user.
//
// Users are cluster-wide while migrations run per database (tests migrate many databases on one
// server, some at once): creating one that already exists is not an error.

/** Table privileges per service user; identity columns need no sequence grant. */
export const SERVICE_USER_GRANTS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  catalog: {
    products: ['select', 'insert', 'update'],
    stock_adjustments: ['select', 'insert'],
    // Catalog writes StockChanged events and kicks the relay after its commits.
    outbox: ['select', 'insert', 'update'],
    stock_ledger: ['select'],
    stock_subscriptions: ['select', 'insert', 'update', 'delete'],
  },
  orders: {
    // place_order / cancel_order run with the caller's privileges.
    products: ['select', 'update'],
    orders: ['select', 'insert', 'update'],
    order_items: ['select', 'insert'],
    outbox: ['select', 'insert', 'update'],
  },
  auth_hooks: {
    customers: ['select', 'insert', 'update'],
  },
  inventory: {
    stock_ledger: ['select', 'insert'],
    stock_alerts: ['select', 'insert', 'update'],
    products: ['select'],
  },
  notifier: {
    stock_subscriptions: ['select', 'update'],
    notification_deliveries: ['select', 'insert'],
  },
};

// biome-ignore lint/suspicious/noExplicitAny: migrations run on Kysely<any> (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  for (const [user, tables] of Object.entries(SERVICE_USER_GRANTS)) {
    const role = sql.id(user);
    await sql`
      do $$
      begin
        if not exists (select from pg_roles where rolname = ${sql.lit(user)}) then
          create role ${role} login;
        end if;
        if exists (select from pg_roles where rolname = 'rds_iam') then
          execute format('grant rds_iam to %I', ${sql.lit(user)});
        end if;
      exception when duplicate_object or unique_violation then
        null; -- created meanwhile by a migration of another database on this server
      end
      $$`.execute(db);
    await sql`grant usage on schema public to ${role}`.execute(db);
    for (const [table, privileges] of Object.entries(tables)) {
      await sql`grant ${sql.raw(privileges.join(', '))} on ${sql.table(table)} to ${role}`.execute(db);
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: see above
export async function down(db: Kysely<any>): Promise<void> {
  // Users stay (other databases on the server may use them); this database's grants go.
  for (const [user, tables] of Object.entries(SERVICE_USER_GRANTS)) {
    for (const table of Object.keys(tables)) {
      await sql`revoke all on ${sql.table(table)} from ${sql.id(user)}`.execute(db);
    }
    await sql`revoke usage on schema public from ${sql.id(user)}`.execute(db);
  }
}
