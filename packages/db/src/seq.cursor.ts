import { ValidationError } from '@shop/domain';

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Keyset pagination over a table's `seq`: the opaque cursor a page hands out for the next one. */
export interface SeqCursor {
  readonly encode: (seq: string) => string;
  /** The `seq` the cursor was made from; a {@link ValidationError} for anything we did not issue. */
  readonly decode: (cursor: string) => string;
}

/**
 * Cursors are opaque to clients and we only accept what we issued: a format version (`prefix`, one
 * per API, so one API's cursor is never accepted by another) and the row's `seq`.
 */
export const createSeqCursor = (prefix: string): SeqCursor => {
  if (!/^[a-z][a-z0-9]*$/.test(prefix)) throw new Error(`invalid cursor prefix: ${prefix}`);
  const shape = new RegExp(`^${prefix}\\.(\\d{1,19})$`);
  // `seq` is a bigint: 19 digits can still be past its largest value, which PostgreSQL would refuse.
  const fitsBigint = (digits: string) => BigInt(digits) <= MAX_BIGINT;
  return Object.freeze({
    encode: (seq: string): string => Buffer.from(`${prefix}.${seq}`).toString('base64url'),
    decode: (cursor: string): string => {
      const match = /^[A-Za-z0-9_-]{1,64}$/.test(cursor)
        ? shape.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
        : null;
      if (!match || !fitsBigint(match[1]!)) {
        throw new ValidationError('cursor was not issued by this API', [
          { path: 'cursor', message: 'unknown cursor' },
        ]);
      }
      return match[1]!;
    },
  });
};
