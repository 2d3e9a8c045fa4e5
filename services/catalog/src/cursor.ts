import { ValidationError } from '@shop/domain';

// Opaque to clients; we only accept what we issued: a format version and the row's `seq`.
const PREFIX = 'p1.';
const SHAPE = /^p1\.(\d{1,19})$/;

export const encodeCursor = (seq: string): string => Buffer.from(`${PREFIX}${seq}`).toString('base64url');

export const decodeCursor = (cursor: string): string => {
  const match = /^[A-Za-z0-9_-]{1,64}$/.test(cursor)
    ? SHAPE.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  if (!match) {
    throw new ValidationError('cursor was not issued by this API', [
      { path: 'cursor', message: 'unknown cursor' },
    ]);
  }
  return match[1]!;
};
