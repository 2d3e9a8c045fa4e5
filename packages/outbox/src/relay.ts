// The outbox relay: moves committed outbox rows to the stream, at least once, keeping each
// product's order. Called right after a commit (kick) and by the scheduled sweeper.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@shop/db';
import type { Kysely } from 'kysely';
import { type BatchLimits, KINESIS_LIMITS, type OutboxRecord, selectBatch } from './batch';
import type { OutboxPublisher } from './publisher';
import { findOldestUnpublishedPerKey, markPublished, tryLockRelay } from './repository';

/** The part of a logger the relay uses (Powertools' Logger fits). */
export interface RelayLogger {
  debug(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

export interface OutboxRelayOptions {
  readonly db: Kysely<Database>;
  readonly publisher: OutboxPublisher;
  readonly logger: RelayLogger;
  /** Records per PutRecords call (1..500). */
  readonly batchSize?: number;
  /** How long one drain keeps retrying a failing stream before leaving the rest to the next. */
  readonly maxDrainMs?: number;
  /** First and longest pause between retries (doubling in between). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Upper bound on one round's transaction sitting idle while Kinesis answers. */
  readonly idleInTransactionTimeoutMs?: number;
}

export type DrainOutcome =
  /** Nothing publishable was left when this relay stopped. */
  | 'drained'
  /** Another relay holds the lock; it publishes what this one would have. */
  | 'busy'
  /** The stream kept failing until the time budget ran out; the rows stay for a later drain. */
  | 'gave-up';

export interface DrainResult {
  readonly outcome: DrainOutcome;
  /** Records the stream accepted during this drain. */
  readonly published: number;
  /** Rounds in which PutRecords threw or refused records. */
  readonly failedRounds: number;
}

export interface DrainOptions {
  /** Overrides the relay's `maxDrainMs` for this drain. */
  readonly maxDurationMs?: number;
  /** Ends the drain between rounds (shutdown); what is left stays for the next drain. */
  readonly signal?: AbortSignal;
}

export interface OutboxRelay {
  /**
   * Publishes until nothing is left, another relay holds the lock, or the time budget is spent.
   * Never throws: failures are logged and the rows stay unpublished for the next drain.
   */
  drain(options?: DrainOptions): Promise<DrainResult>;
}

type Round =
  | { readonly kind: 'busy' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'sent'; readonly accepted: number; readonly rejected: number }
  | { readonly kind: 'failed'; readonly error: unknown };

const DEFAULTS = {
  batchSize: KINESIS_LIMITS.maxRecords,
  maxDrainMs: 10_000,
  backoff: { initialMs: 50, maxMs: 1_000 },
  idleInTransactionTimeoutMs: 15_000,
};

/** How many unpublished rows one round looks at to find the oldest event of each key. */
const CANDIDATE_WINDOW_FACTOR = 4;

/**
 * Each round is one transaction holding `pg_try_advisory_xact_lock`, so exactly one relay
 * publishes at a time (which keeps each product's order across relays); the others return at once.
 * A round sends the oldest unpublished event of each product (one per product per call, see
 * {@link selectBatch}) and marks published only what Kinesis accepted. Refused records stay and
 * go again in a later round, after a pause; a thrown PutRecords marks nothing. A crash between
 * PutRecords and the update sends those events again: consumers deduplicate on the event id.
 *
 * A row committed while another relay held the lock is not stranded: after releasing the lock
 * the holder looks again (without the lock), and carries on if anything is waiting. Its look
 * starts after its release, so it sees every row whose own relay found the lock taken.
 * Round trips per round: BEGIN, lock, select, update, COMMIT, and one PutRecords.
 */
export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const { db, publisher, logger } = options;
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > KINESIS_LIMITS.maxRecords) {
    throw new RangeError(`batchSize must be an integer in 1..${KINESIS_LIMITS.maxRecords}, got ${batchSize}`);
  }
  const limits: BatchLimits = { ...KINESIS_LIMITS, maxRecords: batchSize };
  const window = batchSize * CANDIDATE_WINDOW_FACTOR;
  const backoff = options.backoff ?? DEFAULTS.backoff;
  const idleTimeoutMs = options.idleInTransactionTimeoutMs ?? DEFAULTS.idleInTransactionTimeoutMs;
  const reportedOversized = new Set<string>();

  const publishable = (candidates: readonly OutboxRecord[]): OutboxRecord[] => {
    const batch = selectBatch(candidates, limits);
    for (const record of batch.oversized) {
      if (reportedOversized.has(record.id)) continue;
      reportedOversized.add(record.id);
      logger.error('outbox event too large for Kinesis: it and later events of its key are held back', {
        eventId: record.id,
        partitionKey: record.partitionKey,
      });
    }
    return batch.records;
  };

  const round = async (): Promise<Round> => {
    try {
      return await db.transaction().execute(async (trx): Promise<Round> => {
        if (!(await tryLockRelay(trx, idleTimeoutMs))) return { kind: 'busy' };
        const records = publishable(await findOldestUnpublishedPerKey(trx, { window, limit: batchSize }));
        if (records.length === 0) return { kind: 'empty' };
        const outcome = await publisher.publish(records);
        await markPublished(trx, outcome.accepted);
        if (outcome.rejected.length > 0) {
          logger.warn('Kinesis refused some outbox records; they will be sent again', {
            rejected: outcome.rejected.length,
            accepted: outcome.accepted.length,
            errorCodes: [...new Set(outcome.rejected.map((record) => record.code))],
          });
        }
        return { kind: 'sent', accepted: outcome.accepted.length, rejected: outcome.rejected.length };
      });
    } catch (error) {
      return { kind: 'failed', error };
    }
  };

  /** Looked at after releasing the lock: is anything publishable waiting? */
  const somethingWaiting = async (): Promise<boolean> => {
    try {
      return publishable(await findOldestUnpublishedPerKey(db, { window, limit: batchSize })).length > 0;
    } catch (error) {
      logger.warn('outbox relay could not check for waiting events', { error });
      return false;
    }
  };

  const drainOnce = async (maxDurationMs: number, signal: AbortSignal | undefined): Promise<DrainResult> => {
    const deadline = Date.now() + maxDurationMs;
    let published = 0;
    let failedRounds = 0;
    let pauseMs = backoff.initialMs;
    let lastError: unknown;
    const result = (outcome: DrainOutcome): DrainResult => ({ outcome, published, failedRounds });

    while (true) {
      if (signal?.aborted) return result('gave-up');
      const current = await round();
      if (current.kind === 'busy') return result('busy');
      if (current.kind === 'empty') {
        if (!(await somethingWaiting())) return result('drained');
        if (Date.now() >= deadline) return result('drained');
        continue;
      }
      if (current.kind === 'sent') published += current.accepted;
      if (current.kind === 'sent' && current.rejected === 0) {
        pauseMs = backoff.initialMs;
        continue;
      }
      failedRounds += 1;
      if (current.kind === 'failed') lastError = current.error;
      if (Date.now() + pauseMs > deadline) {
        logger.warn('outbox relay gave up for now: events stay in the outbox for the next drain', {
          published,
          failedRounds,
          error: lastError,
        });
        return result('gave-up');
      }
      await sleep(pauseMs, undefined, signal ? { signal } : {}).catch(() => undefined);
      pauseMs = Math.min(pauseMs * 2, backoff.maxMs);
    }
  };

  // One drain per process at a time; a kick during a drain asks it to go round once more, since
  // the running drain may already have looked before that kick's rows were committed.
  let running: Promise<DrainResult> | undefined;
  let kickedMeanwhile = false;

  return {
    drain(drainOptions = {}) {
      if (running) {
        kickedMeanwhile = true;
        return running;
      }
      const maxDurationMs = drainOptions.maxDurationMs ?? options.maxDrainMs ?? DEFAULTS.maxDrainMs;
      running = (async () => {
        let published = 0;
        let failedRounds = 0;
        let outcome: DrainOutcome;
        do {
          kickedMeanwhile = false;
          const pass = await drainOnce(maxDurationMs, drainOptions.signal);
          published += pass.published;
          failedRounds += pass.failedRounds;
          outcome = pass.outcome;
        } while (kickedMeanwhile && outcome === 'drained');
        return { outcome, published, failedRounds };
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
};
