import { createSeqCursor } from '@shop/db';

// Orders' cursors over their `seq`, with their own prefix so a catalog cursor is never accepted here.
export const { encode: encodeCursor, decode: decodeCursor } = createSeqCursor('o1');
