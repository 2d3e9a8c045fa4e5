import { ValidationError } from '@shop/domain';

// Opaque to clients; we only accept what we issued: a format version and the order's `seq`
// (the same approach as the catalog's product cursor, with its own prefix so one API's cursor is
// never accepted by the other).
const PREFIX = 'o1.';
const SHAPE = /^o1\.(\d{1,19})$/;

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
