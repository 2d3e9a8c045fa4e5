// A kysely instance over a fake driver: no database, every statement and transaction step written
// to a shared journal, so unit tests can check what ran and in which order (and a fake Cognito can
// write to the same journal).
import type { Database } from '@shop/db';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';

export interface RecordedQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

export interface RecordingDb {
  readonly db: Kysely<Database>;
  /** `begin`, `commit`, `rollback`, and the first words of each statement, in order. */
  readonly journal: string[];
  readonly queries: RecordedQuery[];
}

export interface Answers {
  /** What an insert reports as inserted (0n: the row was already there). */
  readonly insertedRows?: bigint;
  /** Rows a select returns. */
  readonly rows?: readonly Record<string, unknown>[];
}

export const recordingDb = (answers: Answers = {}, journal: string[] = []): RecordingDb => {
  const queries: RecordedQuery[] = [];
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      queries.push({ sql: query.sql, parameters: query.parameters });
      journal.push(query.sql.split(' ').slice(0, 3).join(' ').replaceAll('"', ''));
      if (query.sql.startsWith('insert')) {
        return { rows: [], numAffectedRows: answers.insertedRows ?? 1n };
      }
      return { rows: (answers.rows ?? []) as R[] };
    },
    // biome-ignore lint/correctness/useYield: never streams
    async *streamQuery() {
      throw new Error('not supported by the recording database');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => void journal.push('begin'),
    commitTransaction: async () => void journal.push('commit'),
    rollbackTransaction: async () => void journal.push('rollback'),
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return { db, journal, queries };
};
