// The `stock-alerts` message (api.md, schemaVersion 1) as the queue delivers it: SNS raw message
// delivery puts the bare JSON in the SQS body. Unknown fields are dropped, not refused: producers
// may add fields without breaking this consumer; a schemaVersion other than 1 is refused.
import { stockAlertMessage } from '@shop/contracts';
import type { StockAlert } from '@shop/domain';
import { safeParse } from 'zod/v4/core';

/** The message body is not a schemaVersion 1 `stock-alerts` message: retrying cannot fix it. */
export class InvalidStockAlertError extends Error {
  /** Where the body is wrong (`stock`: expected int), never the values. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(`Invalid stock-alerts message: ${problems.join('; ')}`, options);
    this.name = 'InvalidStockAlertError';
    this.problems = problems;
  }
}

/** Parses an SQS body into a {@link StockAlert} or throws {@link InvalidStockAlertError}. */
export const parseStockAlert = (body: string): StockAlert => {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidStockAlertError(['body is not JSON'], { cause: error });
  }
  const result = safeParse(stockAlertMessage, json);
  if (!result.success) {
    throw new InvalidStockAlertError(
      result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`),
    );
  }
  const alert: StockAlert = result.data;
  return alert;
};
