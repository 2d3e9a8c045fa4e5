import { type ErrorDetail, ValidationError } from '@shop/domain';
import { type $ZodIssue, type $ZodType, safeParse } from 'zod/v4/core';

/**
 * Any zod 4 schema whose parsed value is `T`: classic (`zod`) or mini (`zod/mini`), which is far
 * cheaper to load at cold start. The kit itself only needs zod's tiny core parser.
 */
export type Schema<T> = $ZodType<T>;

/** Parses `input` or throws a 400 `VALIDATION_FAILED` whose details point at every problem. */
export const parseWith = <T>(schema: Schema<T>, input: unknown, message: string): T => {
  const result = safeParse(schema, input);
  if (!result.success) {
    throw new ValidationError(message, issueDetails(result.error.issues));
  }
  return result.data;
};

/**
 * One `{ path, message }` per problem, the path joined with dots (`items.0.quantity`, `''` for the
 * root). An unknown key gets its own detail, with its own path, so a client sees each one by name.
 */
export const issueDetails = (issues: readonly $ZodIssue[]): ErrorDetail[] =>
  issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: joinPath([...issue.path, key]), message: 'Unknown field' }))
      : [{ path: joinPath(issue.path), message: issue.message }],
  );

const joinPath = (path: readonly PropertyKey[]): string => path.map(String).join('.');
