// The bundle's entry: the migrate custom resource lives with the migrations in @shop/db.
export { handler } from '../../../packages/db/src/migrate.handler';
