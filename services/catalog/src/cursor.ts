import { createSeqCursor } from '@shop/db';

// Products' cursors: `p1` is their format version (orders have their own prefix, so one API's
// cursor is never accepted by the other).
export const { encode: encodeCursor, decode: decodeCursor } = createSeqCursor('p1');

// Stock history's cursors (`h1`, a position in the stock ledger): a product list's cursor is never
// accepted there, nor the other way round.
export const { encode: encodeStockHistoryCursor, decode: decodeStockHistoryCursor } = createSeqCursor('h1');
