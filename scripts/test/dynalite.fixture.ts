// For integration tests of idempotent routes: a private dynalite with the idempotency table,
// configured for the file the way a deployed function is (IDEMPOTENCY_TABLE, DYNAMODB_ENDPOINT).
import { afterAll, beforeAll, vi } from 'vitest';
import { type DynaliteServer, ensureIdempotencyTable, startDynalite } from '../lib/dynalite';

/** Registers the file's hooks; returns a getter for the server (set once beforeAll has run). */
export const useIdempotencyTable = (table: string): (() => DynaliteServer) => {
  let dynamo: DynaliteServer | undefined;
  beforeAll(async () => {
    dynamo = await startDynalite({ port: 0 });
    await ensureIdempotencyTable(dynamo.endpoint, table);
    vi.stubEnv('IDEMPOTENCY_TABLE', table);
    vi.stubEnv('DYNAMODB_ENDPOINT', dynamo.endpoint);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo?.close();
  });
  return () => {
    if (!dynamo) throw new Error('dynalite is not started yet (use it inside tests or hooks)');
    return dynamo;
  };
};
