// Edge validation of the `stock-events` stream (api.md, `StockChanged` schemaVersion 1). A record
// that does not parse is poison: it can never succeed, so it fails alone and never reaches the
// database. Unknown fields are tolerated: producers may add fields without breaking this consumer.
import { stockChangedEvent } from '@shop/contracts';
import type { StockChanged } from '@shop/domain';
import type { KinesisStreamRecord } from 'aws-lambda';
import { safeParse } from 'zod/v4/core';

/** A record of the batch: its Kinesis sequence number and what it said. */
export type ParsedRecord =
  | { readonly ok: true; readonly sequenceNumber: string; readonly event: StockChanged }
  | { readonly ok: false; readonly sequenceNumber: string; readonly problems: readonly string[] };

/** Decodes (base64 JSON) and validates one Kinesis record. Never throws. */
export const parseStockRecord = (record: KinesisStreamRecord): ParsedRecord => {
  const { sequenceNumber, data } = record.kinesis;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return { ok: false, sequenceNumber, problems: ['data is not base64-encoded JSON'] };
  }
  const result = safeParse(stockChangedEvent, json);
  if (!result.success) {
    return {
      ok: false,
      sequenceNumber,
      problems: result.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`),
    };
  }
  // Assigning to the domain type checks, at compile time, that the schema produces exactly it.
  const event: StockChanged = result.data;
  return { ok: true, sequenceNumber, event };
};
