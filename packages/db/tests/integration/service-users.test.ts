// Every service runs as its own database user (migration 0006). The services' integration tests
// run their code as those users (scripts/test/database-user.ts); this checks the users themselves:
// they exist, the connection really acts as them, and what they were not granted is refused.
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { asServiceUser } from '../../../../scripts/test/database-user';
import { createDb } from '../../src/connection';
import { SERVICE_USER_GRANTS } from '../../src/migrations/2026-11-27T0006_service_users';

const pools: { destroy(): Promise<void> }[] = [];
afterAll(() => Promise.all(pools.map((pool) => pool.destroy())));

const connectAs = (user: string) => {
  const db = createDb({ url: asServiceUser(inject('databaseUrl'), user) }, { max: 1 });
  pools.push(db);
  return db;
};

describe('service database users', () => {
  it.each(Object.keys(SERVICE_USER_GRANTS))('%s exists and the test connection acts as it', async (user) => {
    const { rows } = await sql<{ user: string }>`select current_user as user`.execute(connectAs(user));
    expect(rows[0]?.user).toBe(user);
  });

  it.each([
    ['inventory', sql`select count(*) from customers`],
    ['notifier', sql`update products set stock = stock where false`],
    ['auth_hooks', sql`select count(*) from orders`],
    ['catalog', sql`insert into stock_ledger (event_id) select null where false`],
    ['orders', sql`delete from products where false`],
  ])('%s is refused what it was not granted', async (user, statement) => {
    await expect(statement.execute(connectAs(user))).rejects.toThrow(/permission denied/);
  });

  it('every granted table exists', async () => {
    const admin = createDb({ url: inject('databaseUrl') }, { max: 1 });
    pools.push(admin);
    const { rows } = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = 'public'`.execute(admin);
    const tables = new Set(rows.map((row) => row.table_name));
    const granted = Object.values(SERVICE_USER_GRANTS).flatMap((grants) => Object.keys(grants));
    expect(granted.filter((table) => !tables.has(table))).toEqual([]);
  });
});
