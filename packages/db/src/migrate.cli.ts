// `pnpm migrate`: applies every pending migration to DATABASE_URL.
import { migrateToLatest } from './migrator';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set (e.g. postgres://postgres@localhost:5432/shop)');
  process.exit(2);
}
const applied = await migrateToLatest(url);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database already up to date');
