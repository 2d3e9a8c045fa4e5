import { createSeqCursor } from '@shop/db';

// Products' cursors: `p1` is their format version (orders have their own prefix, so one API's
// cursor is never accepted by the other).
export const { encode: encodeCursor, decode: decodeCursor } = createSeqCursor('p1');
