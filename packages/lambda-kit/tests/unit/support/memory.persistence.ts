import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';

type Operation = 'put' | 'get' | 'update' | 'delete';

/**
 * A Powertools persistence layer in memory that behaves like the DynamoDB one: the put is
 * conditional (absent, expired, or in progress past its in-progress expiry) and atomic, and every
 * call yields to the event loop first, like a network round trip, so concurrent requests interleave.
 */
export class MemoryPersistenceLayer extends BasePersistenceLayer {
  readonly records = new Map<string, IdempotencyRecord>();
  readonly calls: Operation[] = [];
  /** Operations that fail, as DynamoDB being unreachable would. */
  readonly failing = new Set<Operation>();

  /** The one stored record (most tests use one key). */
  only(): IdempotencyRecord | undefined {
    const [record, ...more] = this.records.values();
    if (more.length > 0) {
      throw new Error(`expected at most one record, found ${this.records.size}`);
    }
    return record;
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    await this.#roundTrip('put');
    const existing = this.records.get(record.idempotencyKey);
    const nowMs = Date.now();
    const free =
      existing === undefined ||
      (existing.expiryTimestamp !== undefined && existing.expiryTimestamp < nowMs / 1000) ||
      (statusOf(existing) === IdempotencyRecordStatus.INPROGRESS &&
        existing.inProgressExpiryTimestamp !== undefined &&
        existing.inProgressExpiryTimestamp < nowMs);
    if (!free) {
      throw new IdempotencyItemAlreadyExistsError('exists', copy(existing));
    }
    this.records.set(record.idempotencyKey, copy(record));
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    await this.#roundTrip('get');
    const existing = this.records.get(idempotencyKey);
    if (existing === undefined) {
      throw new IdempotencyItemNotFoundError();
    }
    return copy(existing);
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    await this.#roundTrip('update');
    // Like DynamoDB's UpdateItem SET: the in-progress expiry of the put stays.
    const existing = this.records.get(record.idempotencyKey);
    this.records.set(
      record.idempotencyKey,
      copy(record, { inProgressExpiryTimestamp: existing?.inProgressExpiryTimestamp }),
    );
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.#roundTrip('delete');
    this.records.delete(record.idempotencyKey);
  }

  async #roundTrip(operation: Operation): Promise<void> {
    this.calls.push(operation);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.failing.has(operation)) {
      throw new Error(`${operation}: connect ECONNREFUSED`);
    }
  }
}

const copy = (
  record: IdempotencyRecord,
  overrides: Partial<ConstructorParameters<typeof IdempotencyRecord>[0]> = {},
): IdempotencyRecord =>
  new IdempotencyRecord({
    idempotencyKey: record.idempotencyKey,
    status: statusOf(record),
    expiryTimestamp: record.expiryTimestamp,
    inProgressExpiryTimestamp: record.inProgressExpiryTimestamp,
    responseData: structuredClone(record.responseData),
    payloadHash: record.payloadHash,
    ...overrides,
  });

// The stored status as is (`getStatus()` reports an expired record as EXPIRED).
type Status = ConstructorParameters<typeof IdempotencyRecord>[0]['status'];
const statusOf = (record: IdempotencyRecord): Status => (record as unknown as { status: Status }).status;
