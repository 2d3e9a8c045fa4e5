// The `stock-alerts` message (api.md, schemaVersion 1) as the queue delivers it: SNS raw message
// delivery puts the bare JSON in the SQS body. Unknown fields are dropped, not refused: producers
// may add fields without breaking this consumer; a schemaVersion other than 1 is refused.
import { STOCK_ALERT_TYPES, type StockAlert } from '@shop/domain';
import * as z from 'zod/mini';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const count = z.int().check(z.gte(0));

export const stockAlertSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.uuid(),
  type: z.enum(STOCK_ALERT_TYPES),
  productId: z.uuid(),
  sku: text(64),
  name: text(200),
  stock: count,
  threshold: count,
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: text(255),
});

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
  const result = z.safeParse(stockAlertSchema, json);
  if (!result.success) {
    throw new InvalidStockAlertError(
      result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`),
    );
  }
  const alert: StockAlert = result.data;
  return alert;
};
